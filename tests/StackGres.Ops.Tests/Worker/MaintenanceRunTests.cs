using System.Net;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// reindex and repack submitted through the API and executed by the real job runner process, need-driven,
/// as a dry run and for real; and a cancelled run whose runner reports what it had done.
/// </summary>
public sealed class MaintenanceRunTests(PostgresFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PostRun_ReindexNeeded_PlansInADryRun_ThenRebuildsTheBloatedIndexes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            """
            CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO items SELECT g, g FROM generate_series(1, 100000) g;
            CREATE INDEX "Items V" ON items (v);
            DELETE FROM items WHERE id % 10 <> 0;
            CREATE TABLE tidy (id int PRIMARY KEY);
            INSERT INTO tidy SELECT generate_series(1, 100000);
            """);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "VACUUM items");
        var nodeBefore = await FileNodeAsync(worker, "\"Items V\"");

        var planned = await RunAsync(worker, "reindex", new { }, dryRun: true);

        var plannedIndexes = planned.GetProperty("indexes").EnumerateArray().ToList();
        Assert.Equal(["Items V", "items_pkey"], plannedIndexes.Select(i => i.GetProperty("index").GetString()).Order(StringComparer.Ordinal));
        Assert.All(plannedIndexes, i => Assert.Equal("planned", i.GetProperty("status").GetString()));
        Assert.Equal(0, planned.GetProperty("indexesRebuilt").GetInt32());
        Assert.Equal(nodeBefore, await FileNodeAsync(worker, "\"Items V\""));

        var rebuilt = await RunAsync(worker, "reindex", new { }, dryRun: false);

        Assert.Equal(2, rebuilt.GetProperty("indexesRebuilt").GetInt32());
        Assert.All(rebuilt.GetProperty("indexes").EnumerateArray(), i =>
        {
            Assert.Equal("done", i.GetProperty("status").GetString());
            Assert.True(i.GetProperty("validAfter").GetBoolean());
            Assert.True(i.GetProperty("sizeAfterBytes").GetInt64() < i.GetProperty("sizeBeforeBytes").GetInt64() / 2, i.ToString());
        });
        Assert.NotEqual(nodeBefore, await FileNodeAsync(worker, "\"Items V\""));
        Assert.True(await Db.ScalarAsync<bool>(worker.ClusterConnectionString, "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"Items V\"'::regclass"));
    }

    [Fact]
    public async Task PostRun_RepackNeeded_PlansInADryRun_ThenRepacksTheBloatedTable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            """
            CREATE TABLE bloated (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO bloated SELECT g, g, repeat('p', 60) FROM generate_series(1, 20000) g;
            UPDATE bloated SET v = v + 1 WHERE id % 5 <> 0;
            DELETE FROM bloated WHERE id % 5 <> 0;
            CREATE TABLE healthy (id int PRIMARY KEY, payload text NOT NULL);
            INSERT INTO healthy SELECT g, repeat('h', 60) FROM generate_series(1, 20000) g;
            ANALYZE healthy;
            """);
        await WaitForDeadTuplesAsync(worker, "bloated");
        var nodeBefore = await FileNodeAsync(worker, "bloated");
        var healthyNode = await FileNodeAsync(worker, "healthy");
        var parameters = new { createExtension = true };

        var planned = await RunAsync(worker, "repack", parameters, dryRun: true);

        var plannedTable = Assert.Single(planned.GetProperty("tables").EnumerateArray());
        Assert.Equal(("bloated", "planned"), (plannedTable.GetProperty("table").GetString(), plannedTable.GetProperty("status").GetString()));
        Assert.Equal(nodeBefore, await FileNodeAsync(worker, "bloated"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_repack'"));

        var repacked = await RunAsync(worker, "repack", parameters, dryRun: false);

        Assert.Equal(1, repacked.GetProperty("tablesRepacked").GetInt32());
        var table = Assert.Single(repacked.GetProperty("tables").EnumerateArray());
        Assert.Equal(("bloated", "done"), (table.GetProperty("table").GetString(), table.GetProperty("status").GetString()));
        Assert.True(table.GetProperty("bytesReclaimed").GetInt64() > table.GetProperty("sizeBeforeBytes").GetInt64() / 2, table.ToString());
        Assert.NotEqual(nodeBefore, await FileNodeAsync(worker, "bloated"));
        Assert.Equal(healthyNode, await FileNodeAsync(worker, "healthy"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(worker.ClusterConnectionString,
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'"));
        Assert.Equal(4000L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM bloated"));
    }

    [Fact]
    public async Task CancelRun_KeepsTheRunnersPartialResult_WithTheTablesItFinished()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        // "first" has dead tuples and goes first; "locked" is held by another session, so the run waits there.
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            """
            CREATE TABLE first (id int) WITH (autovacuum_enabled = false);
            INSERT INTO first SELECT generate_series(1, 10000);
            DELETE FROM first WHERE id % 2 = 0;
            CREATE TABLE locked (id int);
            INSERT INTO locked VALUES (1);
            """);
        await WaitForDeadTuplesAsync(worker, "first");
        await using var holder = await Db.OpenAsync(worker.ClusterConnectionString);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            parameters = new { tables = new[] { "first", "locked" }, lockTimeout = "2min" },
        });
        var id = accepted.GetProperty("id").GetGuid();
        await Db.WaitUntilAsync(async () => await Db.RunBackendsAsync(worker.ClusterConnectionString, "wait_event_type = 'Lock'") == 1,
            WaitTimeout, "the run to wait on the lock of 'locked'");

        using var client = worker.CreateAuthorizedClient();
        using var response = await client.PostAsync($"/api/v1/runs/{id}/cancel", null, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await worker.WaitForRunAsync(id, RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "cancelled", run.ToString());
        Assert.True(run.TryGetProperty("result", out var result), run.ToString());
        Assert.Equal(1, result.GetProperty("tablesVacuumed").GetInt32());
        var done = Assert.Single(result.GetProperty("tables").EnumerateArray());
        Assert.Equal(("first", "done"), (done.GetProperty("table").GetString(), done.GetProperty("status").GetString()));
        Assert.Equal(5000, done.GetProperty("deadTuplesBefore").GetInt64());
        await transaction.RollbackAsync(ct);
    }

    private static async Task<JsonElement> RunAsync(WorkerFactory worker, string operation, object parameters, bool dryRun)
    {
        var accepted = await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation, parameters, dryRun });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal(dryRun, run.GetProperty("dryRun").GetBoolean());
        var result = run.GetProperty("result");
        Assert.Equal(dryRun, result.GetProperty("dryRun").GetBoolean());
        return result;
    }

    private static async Task<uint> FileNodeAsync(WorkerFactory worker, string quotedName) =>
        await Db.ScalarAsync<uint>(worker.ClusterConnectionString, "SELECT pg_relation_filenode($1::regclass)", quotedName);

    /// <summary>Waits until the statistics show the table's dead tuples (a closing session publishes its counts a moment later).</summary>
    private static Task WaitForDeadTuplesAsync(WorkerFactory worker, string table) => Db.WaitUntilAsync(
        async () => await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", table) > 0,
        WaitTimeout, $"dead tuples in {table}");
}
