using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The session that holds a heavy run's cluster slot is terminated: the worker notices, takes the
/// slot again and goes on; when another session took the slot first, the run is stopped, so two
/// heavy operations never overlap on one cluster.
/// </summary>
public sealed class SlotLossTests(PostgresFixture fixture)
{
    private const string SlotBackend =
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()";

    [Fact]
    public async Task A_lost_slot_is_taken_again_or_the_run_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await HeldTable.CreateAsync(worker.ClusterConnectionString);
        await using var held = await HeldTable.LockAsync(worker.ClusterConnectionString);
        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = HeldTable.VacuumFull }))
            .GetProperty("id").GetGuid();
        await worker.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        using var client = worker.CreateAuthorizedClient();

        // Lost, and nobody else wants it: taken again.
        await TerminateSlotSessionAsync(worker, ct);
        await Db.WaitUntilAsync(async () => (await client.GetStringAsync($"/api/v1/runs/{id}/logs", ct)).Contains("the slot was taken again", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the worker taking its slot again");
        Assert.Equal("running", (await worker.GetRunAsync(id)).GetProperty("status").GetString());

        // Lost, and another session waiting for it takes it first: the run stops.
        await using var rival = await Db.OpenAsync(worker.StorageConnectionString);
        await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('stackgres-ops/cluster/demo', 0))", rival);
        var taken = take.ExecuteNonQueryAsync(ct);
        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(worker.StorageConnectionString,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1, TimeSpan.FromSeconds(10), "the rival waiting for the slot");
        await TerminateSlotSessionAsync(worker, ct);
        await taken;

        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));
        var log = await client.GetStringAsync($"/api/v1/runs/{id}/logs", ct);
        Assert.True(run.GetProperty("status").GetString() == "failed", $"{run}\n{log}");
        Assert.Contains("another heavy operation holds it now", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await Db.WaitForNoRunBackendsAsync(worker.ClusterConnectionString);
        await held.ReleaseAsync();
    }

    private static async Task TerminateSlotSessionAsync(WorkerFactory worker, CancellationToken cancellationToken)
    {
        await using var connection = await Db.OpenAsync(worker.StorageConnectionString);
        await using var command = new NpgsqlCommand($"SELECT pg_terminate_backend(pid, 10000) FROM ({SlotBackend}) slot", connection);
        Assert.True(await command.ExecuteScalarAsync(cancellationToken) is true, "no session held the cluster slot");
    }
}
