using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>rolling-restart, switchover and minor-upgrade on a real local primary with two streaming replicas.</summary>
public sealed class RollingOperationTests
{
    [Fact]
    public async Task Rolling_restart_goes_replicas_first_then_switches_over_without_losing_a_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        var pidsBefore = cluster.Instances.ToDictionary(i => i.Name, RollingCluster.PostmasterPid);
        var events = new RecordingEvents();
        RollingResult result;
        await using (var watcher = new InstanceWatcher(cluster))
        {
            await using var connector = cluster.Connector();
            result = await OperationHarness.ExecuteAsync<RollingResult>(new RollingRestartOperation(), new { measureWrites = true }, connector, events, ct);
            await Task.Delay(200, ct);
            Assert.True(watcher.MostDownAtOnce <= 1, $"{watcher.MostDownAtOnce} instances were down at once. {events.Text}");
            Assert.Equal(["pg1", "pg2", "pg0"], watcher.DownOrder);
        }

        Assert.Null(result.StoppedBecause);
        Assert.Equal(["pg1", "pg2", "pg0"], result.Steps.Where(s => s.Action is "restart" or "switchover").Select(s => s.Instance).Distinct());
        Assert.Equal("restart", result.Steps[0].Action);
        Assert.Equal("restart", result.Steps[1].Action);
        Assert.Equal("switchover", result.Steps[2].Action);
        Assert.Equal("pg0", result.PrimaryBefore);
        Assert.Contains(result.PrimaryAfter, new[] { "pg1", "pg2" });
        Assert.All(result.After, i => Assert.True(i.Role == "primary" || i.Streaming == true, $"{i.Name} is {i.Role}, streaming {i.Streaming}"));
        Assert.Equal(3, result.After.Count);
        Assert.Equal("replica", result.After.Single(i => i.Name == "pg0").Role);

        // Every instance really was restarted.
        Assert.All(cluster.Instances, i => Assert.NotEqual(pidsBefore[i.Name], RollingCluster.PostmasterPid(i)));

        var writes = Assert.IsType<WriteProbeResult>(result.Writes);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"writes: {writes.Committed} committed, {writes.Lost} lost, {writes.Failed} refused, longest gap {writes.LongestGapSeconds} s; roll {result.Seconds} s");
        Assert.True(writes.Committed > 100, $"only {writes.Committed} writes committed");
        Assert.Equal(0, writes.Lost);
        Assert.True(writes.LongestGapSeconds < 5, $"writes stopped for {writes.LongestGapSeconds} s");
    }

    [Fact]
    public async Task Switchover_promotes_the_named_replica_and_the_old_primary_follows_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        await using var connector = cluster.Connector();
        var events = new RecordingEvents();
        var result = await OperationHarness.ExecuteAsync<RollingResult>(new SwitchoverOperation(), new { candidate = "pg2" }, connector, events, ct);

        Assert.Equal("pg2", result.PrimaryAfter);
        var pg0 = cluster.Instances.Single(i => i.Name == "pg0");
        var pg1 = cluster.Instances.Single(i => i.Name == "pg1");
        var pg2 = cluster.Instances.Single(i => i.Name == "pg2");
        Assert.False(await cluster.ScalarAsync<bool>(pg2, "SELECT pg_is_in_recovery()", ct));
        Assert.True(await cluster.ScalarAsync<bool>(pg0, "SELECT pg_is_in_recovery()", ct));
        Assert.True(await cluster.ScalarAsync<bool>(pg1, "SELECT pg_is_in_recovery()", ct));
        Assert.Equal(2, await cluster.ScalarAsync<int>(pg2, "SELECT count(*)::int FROM pg_stat_replication WHERE state = 'streaming'", ct));
        Assert.Equal(2, await cluster.ScalarAsync<int>(pg2, "SELECT timeline_id FROM pg_control_checkpoint()", ct));

        // A write on the new primary reaches the old one.
        await cluster.ScalarAsync<object>(pg2, "CREATE TABLE after_switchover AS SELECT 42 AS answer", ct);
        for (var i = 0; i < 100 && await cluster.ScalarAsync<long>(pg0, "SELECT count(*) FROM pg_class WHERE relname = 'after_switchover'", ct) == 0; i++)
        {
            await Task.Delay(100, ct);
        }

        Assert.Equal(42, await cluster.ScalarAsync<int>(pg0, "SELECT answer FROM after_switchover", ct));

        // The old primary keeps no slot from its time as primary (it would hold WAL back).
        Assert.Equal(0L, await cluster.ScalarAsync<long>(pg0, "SELECT count(*) FROM pg_replication_slots", ct));
        Assert.Contains(result.Steps, s => s is { Instance: "pg0", Action: "rewind" });
    }

    [Fact]
    public async Task A_replica_that_does_not_come_back_stops_the_roll_with_the_primary_still_taking_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        var pg1 = cluster.Instances.Single(i => i.Name == "pg1");
        var pg2 = cluster.Instances.Single(i => i.Name == "pg2");
        var pg2Pid = RollingCluster.PostmasterPid(pg2);

        // A setting the running server never reads again, but its next start refuses.
        await File.AppendAllTextAsync(Path.Combine(pg1.Local!.DataDirectory, "postgresql.auto.conf"), "max_connections = 'plenty'\n", ct);

        await using var connector = cluster.Connector();
        var events = new RecordingEvents();
        var failure = await Assert.ThrowsAsync<OperationFailedException>(() =>
            OperationHarness.ExecuteAsync<RollingResult>(new RollingRestartOperation(), new { timeoutSeconds = 30, measureWrites = true }, connector, events, ct));

        TestContext.Current.TestOutputHelper?.WriteLine(failure.Message);
        Assert.Contains("pg1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("pg0 is the primary and accepts writes", failure.Message, StringComparison.Ordinal);
        var partial = Assert.IsType<RollingResult>(failure.PartialResult);
        Assert.Equal("failed", partial.Steps.Single(s => s.Instance == "pg1").Outcome);
        Assert.DoesNotContain(partial.Steps, s => s.Instance is "pg2" or "pg0");
        Assert.Equal(pg2Pid, RollingCluster.PostmasterPid(pg2));
        Assert.Equal(0, partial.Writes!.Lost);

        // The cluster still serves writes through the same multi-host connection string.
        await using var connection = await connector.OpenAsync("postgres", ct);
        await using var command = new NpgsqlCommand("CREATE TABLE still_writable (id int)", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [Fact]
    public async Task Minor_upgrade_restarts_every_instance_onto_the_new_binaries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        using var binaries = NewBinaries.Create();
        await using var connector = cluster.Connector();

        var refused = await Assert.ThrowsAsync<OperationFailedException>(() => OperationHarness.ExecuteAsync<RollingResult>(
            new MinorUpgradeOperation(), new { binDirectory = Path.GetTempPath() }, connector, new RecordingEvents(), ct));
        Assert.Contains("holds no postgres and pg_ctl", refused.Message, StringComparison.Ordinal);

        var result = await OperationHarness.ExecuteAsync<RollingResult>(
            new MinorUpgradeOperation(), new { binDirectory = binaries.BinDirectory }, connector, new RecordingEvents(), ct);
        Assert.Null(result.StoppedBecause);
        Assert.Matches(@"^15\.\d+$", result.TargetVersion);
        foreach (var instance in cluster.Instances)
        {
            var executable = new FileInfo($"/proc/{RollingCluster.PostmasterPid(instance)}/exe").LinkTarget;
            Assert.Equal(Path.Combine(binaries.BinDirectory, "postgres"), executable);
        }

        // Run again: everything already runs the new binaries, nothing is restarted.
        var again = await OperationHarness.ExecuteAsync<RollingResult>(
            new MinorUpgradeOperation(), new { binDirectory = binaries.BinDirectory }, connector, new RecordingEvents(), ct);
        Assert.All(again.Steps, s => Assert.Equal("skipped", s.Outcome));
    }

    [Fact]
    public async Task A_cancel_during_the_roll_stops_between_steps_with_every_instance_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        var pg2 = cluster.Instances.Single(i => i.Name == "pg2");
        var pg0 = cluster.Instances.Single(i => i.Name == "pg0");
        var untouched = (pg0: RollingCluster.PostmasterPid(pg0), pg2: RollingCluster.PostmasterPid(pg2));
        await using var connector = cluster.Connector();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = new CancellingEvents(cancel, when: "restarting replica pg1");

        var cancelled = await Assert.ThrowsAsync<OperationCancelledException>(() =>
            OperationHarness.ExecuteAsync<RollingResult>(new RollingRestartOperation(), new { }, connector, events, cancel.Token));

        // The replica being restarted when the cancel came was brought back; nothing after it was touched.
        var partial = Assert.IsType<RollingResult>(cancelled.PartialResult);
        Assert.Equal("done", Assert.Single(partial.Steps).Outcome);
        Assert.Contains("Cancelled between two steps", partial.StoppedBecause, StringComparison.Ordinal);
        Assert.Equal(untouched, (RollingCluster.PostmasterPid(pg0), RollingCluster.PostmasterPid(pg2)));
        Assert.All(partial.After, i => Assert.True(i.Role == "primary" || i.Streaming == true, $"{i.Name}: {i.Role}"));
    }

    /// <summary>Records events and cancels the run when a progress phase starts.</summary>
    private sealed class CancellingEvents(CancellationTokenSource cancel, string when) : IOperationEvents
    {
        public void Log(Microsoft.Extensions.Logging.LogLevel level, string message)
        {
        }

        public void Progress(Jobs.Runs.RunProgress progress)
        {
            if (progress.Phase == when)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public async Task Rolling_operations_refuse_clusters_without_instances_and_unknown_candidates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        await using var withInstances = cluster.Connector();
        var errors = await OperationHarness.PreflightAsync(new SwitchoverOperation(), new { candidate = "pg9" }, withInstances, ct);
        Assert.Contains(errors, e => e.Contains("no instance 'pg9'", StringComparison.Ordinal));

        await using var single = new Jobs.Clusters.ClusterConnector(cluster.Connection with { Host = cluster.Instances[0].Host, Instances = [] }, cluster.Password, "t");
        errors = await OperationHarness.PreflightAsync(new RollingRestartOperation(), new { }, single, ct);
        Assert.Contains(errors, e => e.Contains("lists no Instances", StringComparison.Ordinal));

        var parseErrors = new List<string>();
        OperationHarness.Parse(new MinorUpgradeOperation(), new { binDirectory = "relative/bin" }, parseErrors);
        Assert.Contains(parseErrors, e => e.Contains("absolute", StringComparison.Ordinal));
        parseErrors.Clear();
        OperationHarness.Parse(new RollingRestartOperation(), new { primaryUpdateMethod = "reboot" }, parseErrors);
        Assert.NotEmpty(parseErrors);
    }
}
