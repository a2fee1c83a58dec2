using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>Runs submitted through the API, executed by the real job runner against a real database.</summary>
public sealed class VacuumRunTests(PostgresFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PostRun_VacuumsAndAnalyzesTable_WhenTableHasDeadTuples()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        // Autovacuum stays away from the table, so that only the run can vacuum it.
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE items (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = false); " +
            "INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 10000) g; " +
            "DELETE FROM items WHERE id % 2 = 0;");
        await WaitForDeadTuplesAsync(worker.ClusterConnectionString, "items", 5000);

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            parameters = new { tables = new[] { "items" }, analyze = true },
        });

        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        var id = accepted.GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, RunTimeout);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal(id, run.GetProperty("id").GetGuid());
        Assert.Equal("api", run.GetProperty("trigger").GetString());
        Assert.Equal("local", run.GetProperty("executor").GetString());

        var result = run.GetProperty("result");
        Assert.Equal(1, result.GetProperty("tablesVacuumed").GetInt32());
        Assert.True(result.GetProperty("analyze").GetBoolean());
        var table = Assert.Single(result.GetProperty("tables").EnumerateArray());
        Assert.Equal("public", table.GetProperty("schema").GetString());
        Assert.Equal("items", table.GetProperty("table").GetString());
        Assert.Equal(worker.ClusterDatabase, table.GetProperty("database").GetString());
        Assert.True(table.GetProperty("durationMs").GetDouble() > 0, table.ToString());
        Assert.Equal(5000, table.GetProperty("deadTuplesBefore").GetInt64());

        var stats = await WaitForVacuumStatsAsync(worker.ClusterConnectionString, "items");
        Assert.NotNull(stats.LastVacuum);
        Assert.NotNull(stats.LastAnalyze);
        Assert.Equal(0L, stats.DeadTuples);
    }

    [Fact]
    public async Task PostRun_VacuumsEveryUserTable_WhenNoTablesAreNamed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE alpha (id int); CREATE SCHEMA sales; CREATE TABLE sales.orders (id int); " +
            "INSERT INTO alpha SELECT generate_series(1, 100); INSERT INTO sales.orders SELECT generate_series(1, 100);");

        var accepted = await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "vacuum" });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        var result = run.GetProperty("result");
        var tables = result.GetProperty("tables").EnumerateArray()
            .Select(t => $"{t.GetProperty("schema").GetString()}.{t.GetProperty("table").GetString()}")
            .ToList();
        Assert.Contains("public.alpha", tables);
        Assert.Contains("sales.orders", tables);
        Assert.Equal(tables.Count, result.GetProperty("tablesVacuumed").GetInt32());
        Assert.Equal([worker.ClusterDatabase], result.GetProperty("databases").EnumerateArray().Select(d => d.GetString()));
        Assert.NotNull((await WaitForVacuumStatsAsync(worker.ClusterConnectionString, "alpha")).LastVacuum);
        Assert.NotNull((await WaitForVacuumStatsAsync(worker.ClusterConnectionString, "orders")).LastVacuum);
    }

    [Fact]
    public async Task PostRun_VacuumsTable_WhenNameHasCaseSpacesQuotesAndNonAscii()
    {
        var ct = TestContext.Current.CancellationToken;
        const string tableName = "Odd \"Name\" é";
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE \"Odd \"\"Name\"\" é\" (id int); INSERT INTO \"Odd \"\"Name\"\" é\" SELECT generate_series(1, 100);");

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            parameters = new { tables = new[] { "\"Odd \"\"Name\"\" é\"" } },
        });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        var table = Assert.Single(run.GetProperty("result").GetProperty("tables").EnumerateArray());
        Assert.Equal(tableName, table.GetProperty("table").GetString());
        Assert.NotNull((await WaitForVacuumStatsAsync(worker.ClusterConnectionString, tableName)).LastVacuum);
    }

    [Fact]
    public async Task GetLogs_ReturnsTheRunnersLines_WhenRunHasFinished()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE logged (id int); INSERT INTO logged VALUES (1);");
        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            parameters = new { tables = new[] { "logged" } },
        });
        var id = accepted.GetProperty("id").GetGuid();
        await worker.WaitForRunAsync(id, RunTimeout);

        using var client = worker.CreateAuthorizedClient();
        using var response = await client.GetAsync($"/api/v1/runs/{id}/logs", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(JsonValueKind.Array, lines.ValueKind);
        var messages = lines.EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("vacuumed", StringComparison.Ordinal) && m.Contains("logged", StringComparison.Ordinal));
        var sequences = lines.EnumerateArray().Select(l => l.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task PostRun_ChangesNothing_WhenDryRun()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE planned (id int) WITH (autovacuum_enabled = false); " +
            "INSERT INTO planned SELECT generate_series(1, 1000); DELETE FROM planned WHERE id > 500;");
        await WaitForDeadTuplesAsync(worker.ClusterConnectionString, "planned", 500);

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            parameters = new { tables = new[] { "planned" } },
            dryRun = true,
        });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.True(run.GetProperty("dryRun").GetBoolean());
        var result = run.GetProperty("result");
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, result.GetProperty("tablesVacuumed").GetInt32());
        var table = Assert.Single(result.GetProperty("tables").EnumerateArray());
        Assert.Equal("planned", table.GetProperty("table").GetString());
        Assert.Equal(500, table.GetProperty("deadTuplesBefore").GetInt64());
        Assert.False(table.TryGetProperty("durationMs", out _), table.ToString());
        Assert.False(table.TryGetProperty("sizeAfterBytes", out _), table.ToString());
        var lastVacuum = await Db.ScalarAsync<object>(worker.ClusterConnectionString,
            "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'planned'");
        Assert.Null(lastVacuum);
        Assert.Equal(500L, await Db.ScalarAsync<long>(worker.ClusterConnectionString,
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'planned'"));
    }

    /// <summary>Waits until the statistics show the table's dead tuples (a closing session publishes its counts a moment later).</summary>
    private static Task WaitForDeadTuplesAsync(string connectionString, string table, long expected) =>
        Poll.UntilAsync(() => Db.ScalarAsync<long>(connectionString, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", table),
            dead => dead == expected, TimeSpan.FromSeconds(5), dead => $"Table {table} shows {dead} dead tuples, expected {expected}.",
            TimeSpan.FromMilliseconds(50));

    private sealed record VacuumStats(DateTime? LastVacuum, DateTime? LastAnalyze, long DeadTuples);

    /// <summary>Reads the table's statistics, polling briefly in case the server has not published them yet.</summary>
    private static async Task<VacuumStats> WaitForVacuumStatsAsync(string connectionString, string table)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            await using var connection = await Db.OpenAsync(connectionString);
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT last_vacuum, last_analyze, n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", connection);
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = table });
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), $"No statistics row for table {table}.");
            var stats = new VacuumStats(
                reader.IsDBNull(0) ? null : reader.GetDateTime(0),
                reader.IsDBNull(1) ? null : reader.GetDateTime(1),
                reader.GetInt64(2));
            if ((stats.LastVacuum is not null && stats.DeadTuples == 0) || DateTime.UtcNow > deadline)
            {
                return stats;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
