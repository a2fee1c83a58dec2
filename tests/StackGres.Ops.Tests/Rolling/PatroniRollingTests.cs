using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>rolling-restart and switchover through the REST API of a real three-member Patroni cluster.</summary>
public sealed class PatroniRollingTests
{
    [Fact]
    public async Task Rolling_restart_through_patroni_restarts_replicas_then_switches_over_without_losing_a_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await LocalPatroniCluster.StartAsync(ct);
        var before = await cluster.MembersAsync(ct);
        var leader = before.Single(m => m.IsLeader).Name;
        var startTimes = await cluster.StartTimesAsync(ct);

        RollingResult result;
        await using (var watcher = new InstanceWatcher(cluster.ConnectionStrings))
        {
            await using var connector = new ClusterConnector(cluster.Connection, cluster.Password, "test");
            result = await OperationHarness.ExecuteAsync<RollingResult>(
                new RollingRestartOperation(), new { measureWrites = true, timeoutSeconds = 120 }, connector, new RecordingEvents(), ct);
            Assert.True(watcher.MostDownAtOnce <= 1, $"{watcher.MostDownAtOnce} members were down at once");
        }

        var replicas = before.Where(m => !m.IsLeader).Select(m => m.Name).ToArray();
        Assert.Equal(replicas, result.Steps.Where(s => s.Action == "restart").Select(s => s.Instance));
        Assert.Equal(leader, result.Steps.Single(s => s.Action == "switchover").Instance);
        Assert.Equal(["restart", "restart", "switchover", "rejoin"], result.Steps.Select(s => s.Action));
        Assert.Equal(leader, result.PrimaryBefore);
        Assert.NotEqual(leader, result.PrimaryAfter);

        var after = await cluster.MembersAsync(ct);
        Assert.Equal(result.PrimaryAfter, after.Single(m => m.IsLeader).Name);
        Assert.True(after.Single(m => m.Name == leader).IsHealthyReplica);
        var restarted = await cluster.StartTimesAsync(ct);
        Assert.All(cluster.Members, m => Assert.NotEqual(startTimes[m.Name], restarted[m.Name]));

        var writes = result.Writes!;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"patroni: {writes.Committed} committed, {writes.Lost} lost, longest gap {writes.LongestGapSeconds} s; roll {result.Seconds} s");
        Assert.Equal(0, writes.Lost);
        Assert.True(writes.LongestGapSeconds < 5, $"writes stopped for {writes.LongestGapSeconds} s");
    }

    [Fact]
    public async Task Switchover_through_patroni_goes_to_the_named_member_and_refuses_an_unknown_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await LocalPatroniCluster.StartAsync(ct);
        var members = await cluster.MembersAsync(ct);
        var candidate = members.First(m => !m.IsLeader).Name;
        await using var connector = new ClusterConnector(cluster.Connection, cluster.Password, "test");

        var unknown = await Assert.ThrowsAsync<OperationFailedException>(() => OperationHarness.ExecuteAsync<RollingResult>(
            new SwitchoverOperation(), new { candidate = "pg9" }, connector, new RecordingEvents(), ct));
        Assert.Contains("no member 'pg9'", unknown.Message, StringComparison.Ordinal);

        var result = await OperationHarness.ExecuteAsync<RollingResult>(new SwitchoverOperation(), new { candidate }, connector, new RecordingEvents(), ct);
        Assert.Equal(candidate, result.PrimaryAfter);
        Assert.Equal(candidate, (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Name);

        var refused = await OperationHarness.PreflightAsync(new MinorUpgradeOperation(), new { binDirectory = "/usr/lib/postgresql/15/bin" }, connector, ct);
        Assert.Contains(refused, e => e.Contains("managed by Patroni", StringComparison.Ordinal));
    }
}
