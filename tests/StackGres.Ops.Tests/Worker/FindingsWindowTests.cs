using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// Window steps driven by the cluster's latest health-check findings ("check, then fix only what the check found"),
/// through the real worker, its runner processes and PostgreSQL.
/// </summary>
public sealed class FindingsWindowTests(PostgresFixture fixture)
{
    // The windows never open by themselves in a test's life: each test opens its window by hand (as the dashboard's
    // "Trigger now" does) for five minutes, so a loaded machine's slow runners never close it before its last step.
    private const string OnNewYearOnly = "0 0 0 1 1 *";
    private const string FiveMinutes = "00:05:00";

    // 80% of the rows updated then deleted, then vacuumed: the heap keeps its size with a fifth of its rows.
    private const string BloatedTable =
        """
        CREATE TABLE bloated (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
        INSERT INTO bloated SELECT g, g, repeat('p', 60) FROM generate_series(1, 20000) g;
        UPDATE bloated SET v = v + 1 WHERE id % 5 <> 0;
        DELETE FROM bloated WHERE id % 5 <> 0;
        """;

    private const string HealthyTable =
        """
        CREATE TABLE healthy (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false);
        INSERT INTO healthy SELECT g, repeat('h', 60) FROM generate_series(1, 20000) g;
        """;

    [Fact]
    public async Task Window_RepacksOnlyTheTableTheHealthCheckFoundBloated_ThenSkipsWhenTheBloatIsGone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var database = worker.ClusterDatabase;
        await Db.ExecuteAsync(worker.ClusterConnectionString, BloatedTable + HealthyTable);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "VACUUM ANALYZE bloated; ANALYZE healthy;");
        var bloatedNode = await FileNodeAsync(worker.ClusterConnectionString, "bloated");
        var healthyNode = await FileNodeAsync(worker.ClusterConnectionString, "healthy");
        var bloatedSize = await SizeAsync(worker.ClusterConnectionString, "bloated");
        WithWindow(worker, OnNewYearOnly, FiveMinutes,
            ("health-check", new() { ["Parameters:databases:0"] = database, ["Parameters:bloatMinSizeMb"] = "1" }),
            ("repack", new() { ["Targets"] = "findings", ["When:Checks:0"] = "table-bloat", ["Parameters:createExtension"] = "true" }));

        // Two openings: the first finds and repacks the bloated table, the second finds nothing left to do.
        await worker.TriggerWindowAsync("w");
        await worker.WaitForWindowRunsAsync("w", 2, TimeSpan.FromSeconds(120), byHand: true);
        await worker.TriggerWindowAsync("w");
        var runs = await worker.WaitForWindowRunsAsync("w", 4, TimeSpan.FromSeconds(120), byHand: true);

        Assert.Equal(["health-check", "repack", "health-check", "repack"], runs.Select(r => r.GetProperty("operation").GetString()));
        Assert.True(runs[0].GetProperty("status").GetString() == "succeeded", runs[0].ToString());
        var repack = runs[1];
        Assert.True(repack.GetProperty("status").GetString() == "succeeded", repack.ToString());
        Assert.Equal($$"""{"createExtension":true,"databases":["{{database}}"],"tables":["public.bloated"]}""",
            repack.GetProperty("parameters").GetRawText());
        var table = Assert.Single(repack.GetProperty("result").GetProperty("tables").EnumerateArray());
        Assert.Equal(("bloated", "done"), (table.GetProperty("table").GetString(), table.GetProperty("status").GetString()));
        Assert.NotEqual(bloatedNode, await FileNodeAsync(worker.ClusterConnectionString, "bloated"));
        Assert.Equal(healthyNode, await FileNodeAsync(worker.ClusterConnectionString, "healthy"));
        Assert.True(await SizeAsync(worker.ClusterConnectionString, "bloated") < bloatedSize / 2, "the bloat is still there");
        Assert.Equal(4000L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM bloated"));
        Assert.Contains(await LogAsync(worker, repack), m => m.StartsWith(
            $"Targets from health-check run {runs[0].GetProperty("id").GetGuid()} of ", StringComparison.Ordinal) &&
            m.Contains($"1 table-bloat finding at warning or worse in database '{database}': public.bloated (critical)", StringComparison.Ordinal));

        Assert.True(runs[2].GetProperty("status").GetString() == "succeeded", runs[2].ToString());
        Assert.Equal("skipped", runs[3].GetProperty("status").GetString());
        Assert.StartsWith($"Not needed: no table-bloat finding at warning or worse in health-check run {runs[2].GetProperty("id").GetGuid()} of ",
            runs[3].GetProperty("reason").GetString());
        Assert.False(runs[3].TryGetProperty("startedAt", out _));
    }

    [Fact]
    public async Task Window_VacuumsFullTheBloatedTablesOfEachDatabase_OneRunPerDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var other = await fixture.CreateDatabaseAsync("ops_other", ct);
        var otherDatabase = new NpgsqlConnectionStringBuilder(other).Database!;
        await Db.ExecuteAsync(worker.ClusterConnectionString, BloatedTable + HealthyTable);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "VACUUM ANALYZE bloated; ANALYZE healthy;");
        await Db.ExecuteAsync(other, BloatedTable);
        await Db.ExecuteAsync(other, "VACUUM ANALYZE bloated;");
        var healthyNode = await FileNodeAsync(worker.ClusterConnectionString, "healthy");
        var nodes = new[] { await FileNodeAsync(worker.ClusterConnectionString, "bloated"), await FileNodeAsync(other, "bloated") };
        WithWindow(worker, OnNewYearOnly, FiveMinutes,
            ("health-check", new() { ["Parameters:databases"] = $"{worker.ClusterDatabase},{otherDatabase}", ["Parameters:bloatMinSizeMb"] = "1" }),
            ("vacuum", new() { ["Targets"] = "findings", ["Parameters:full"] = "true" }));

        await worker.TriggerWindowAsync("w");
        var runs = await worker.WaitForWindowRunsAsync("w", 3, TimeSpan.FromSeconds(120), byHand: true);

        Assert.All(runs, r => Assert.True(r.GetProperty("status").GetString() == "succeeded", r.ToString()));
        Assert.Equal("health-check", runs[0].GetProperty("operation").GetString());
        var vacuums = runs.Skip(1).ToArray();
        Assert.All(vacuums, r => Assert.Equal("vacuum", r.GetProperty("operation").GetString()));
        Assert.Equal(new[] { worker.ClusterDatabase, otherDatabase }.Order(StringComparer.Ordinal),
            vacuums.Select(r => Assert.Single(r.GetProperty("parameters").GetProperty("databases").EnumerateArray()).GetString()).Order(StringComparer.Ordinal));
        Assert.All(vacuums, r => Assert.Equal(["public.bloated"],
            r.GetProperty("parameters").GetProperty("tables").EnumerateArray().Select(t => t.GetString())));
        Assert.All(vacuums, r => Assert.True(r.GetProperty("parameters").GetProperty("full").GetBoolean()));
        Assert.NotEqual(nodes[0], await FileNodeAsync(worker.ClusterConnectionString, "bloated"));
        Assert.NotEqual(nodes[1], await FileNodeAsync(other, "bloated"));
        Assert.Equal(healthyNode, await FileNodeAsync(worker.ClusterConnectionString, "healthy"));
    }

    [Fact]
    public async Task Window_SkipsTheFixWithTheReason_WhenTheHealthCheckFoundNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, HealthyTable + "ANALYZE healthy;");
        var healthyNode = await FileNodeAsync(worker.ClusterConnectionString, "healthy");
        WithWindow(worker, OnNewYearOnly, FiveMinutes,
            ("health-check", new() { ["Parameters:databases:0"] = worker.ClusterDatabase, ["Parameters:bloatMinSizeMb"] = "1" }),
            ("vacuum", new() { ["Targets"] = "findings", ["Parameters:full"] = "true" }));

        await worker.TriggerWindowAsync("w");
        var runs = await worker.WaitForWindowRunsAsync("w", 2, TimeSpan.FromSeconds(120), byHand: true);

        Assert.True(runs[0].GetProperty("status").GetString() == "succeeded", runs[0].ToString());
        Assert.Equal("skipped", runs[1].GetProperty("status").GetString());
        var finishedAt = runs[0].GetProperty("finishedAt").GetDateTimeOffset().ToUniversalTime();
        Assert.Equal($"Not needed: no table-bloat finding at warning or worse in health-check run {runs[0].GetProperty("id").GetGuid()} of {finishedAt:u}.",
            runs[1].GetProperty("reason").GetString());
        Assert.False(runs[1].TryGetProperty("startedAt", out _));
        Assert.Equal(healthyNode, await FileNodeAsync(worker.ClusterConnectionString, "healthy"));
    }

    [Fact]
    public async Task Window_RunsAGatedStepWithItsOwnParameters_WhenTheFindingIsThere_AndSkipsStepsNoRecentHealthCheckSupports()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, BloatedTable);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "VACUUM ANALYZE bloated;");
        WithWindow(worker, OnNewYearOnly, FiveMinutes,
            ("reindex", new() { ["Targets"] = "findings" }),
            ("health-check", new() { ["Parameters:databases:0"] = worker.ClusterDatabase, ["Parameters:bloatMinSizeMb"] = "1" }),
            ("vacuum", new() { ["When:Checks"] = "table-bloat,xid-wraparound", ["Parameters:analyze"] = "true" }),
            ("vacuum", new() { ["When:Checks:0"] = "xid-wraparound", ["When:MinSeverity"] = "critical" }));

        await worker.TriggerWindowAsync("w");
        var runs = await worker.WaitForWindowRunsAsync("w", 4, TimeSpan.FromSeconds(120), byHand: true);

        // The reindex step comes before any health-check has run on this cluster.
        Assert.Equal("skipped", runs[0].GetProperty("status").GetString());
        Assert.StartsWith("Not started: no succeeded health-check run on cluster 'demo' says it is needed " +
                          "(When: index-bloat or invalid-index finding at warning or worse).", runs[0].GetProperty("reason").GetString());
        Assert.True(runs[1].GetProperty("status").GetString() == "succeeded", runs[1].ToString());
        var gated = runs[2];
        Assert.True(gated.GetProperty("status").GetString() == "succeeded", gated.ToString());
        Assert.Equal("""{"analyze":true}""", gated.GetProperty("parameters").GetRawText());
        Assert.Contains(await LogAsync(worker, gated), m => m.StartsWith(
            $"Started because health-check run {runs[1].GetProperty("id").GetGuid()} of ", StringComparison.Ordinal) &&
            m.EndsWith("found 1 table-bloat or xid-wraparound finding at warning or worse: public.bloated (critical).", StringComparison.Ordinal));
        Assert.Equal("skipped", runs[3].GetProperty("status").GetString());
        Assert.StartsWith("Not needed: no xid-wraparound finding at critical in health-check run", runs[3].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Startup_RefusesABadConditionOrTargets_NamingTheKey()
    {
        await using var worker = await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken);
        WithWindow(worker, "0 2 * * *", "01:00:00",
            ("vacuum", new() { ["When:Checks:0"] = "tablebloat", ["When:MinSeverity"] = "high", ["When:MaxAge"] = "-00:10:00" }),
            ("repack", new() { ["Targets"] = "findings", ["Parameters:tables:0"] = "public.t" }),
            ("backup", new() { ["Targets"] = "findings" }));

        var failure = Record.Exception(() => worker.CreateClient());

        Assert.NotNull(failure);
        var message = Flatten(failure);
        Assert.Contains("Ops:Windows:w:Operations:0:When:Checks:0 'tablebloat' is not a health-check check. Known checks: replication-lag,", message);
        Assert.Contains("Ops:Windows:w:Operations:0:When:MinSeverity 'high' must be 'warning' (the default) or 'critical'", message);
        Assert.Contains("Ops:Windows:w:Operations:0:When:MaxAge must be more than zero (got -00:10:00)", message);
        Assert.Contains("Ops:Windows:w:Operations:1:Parameters:tables cannot be set with Targets 'findings'", message);
        Assert.Contains("Ops:Windows:w:Operations:2:Targets 'findings' works with reindex, repack, vacuum only, not with 'backup'.", message);
    }

    /// <summary>Window "w" on the worker's cluster, each step estimated at 2 s; its settings are keys under its Operations:{i} key.</summary>
    private static void WithWindow(WorkerFactory worker, string cron, string duration, params (string Operation, Dictionary<string, string> Settings)[] steps) =>
        worker.WithWindow("w", cron, duration, WorkerFactory.ClusterName, steps.Select(step =>
        {
            // The step's own settings come after the default estimate, so that they win.
            var settings = new Dictionary<string, string> { ["Estimate"] = "00:00:02" };
            foreach (var (key, value) in step.Settings)
            {
                settings[key] = value;
            }

            return (step.Operation, (IReadOnlyDictionary<string, string>)settings);
        }).ToArray());

    private static async Task<IReadOnlyList<string>> LogAsync(WorkerFactory worker, JsonElement run)
    {
        using var client = worker.CreateAuthorizedClient();
        var lines = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", TestContext.Current.CancellationToken);
        return lines!.Select(l => l.GetProperty("message").GetString()!).ToArray();
    }

    private static async Task<uint> FileNodeAsync(string connectionString, string table) =>
        await Db.ScalarAsync<uint>(connectionString, "SELECT pg_relation_filenode($1::regclass)", table);

    private static async Task<long> SizeAsync(string connectionString, string table) =>
        await Db.ScalarAsync<long>(connectionString, "SELECT pg_relation_size($1::regclass)", table);

    private static string Flatten(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join("\n", aggregate.InnerExceptions.Select(Flatten)),
        _ when exception.InnerException is { } inner => exception.Message + "\n" + Flatten(inner),
        _ => exception.Message,
    };
}
