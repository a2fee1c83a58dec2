using StackGres.Ops.Tests.Rolling;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The worker killed with SIGKILL at seeded random moments during switchovers of a three-instance
/// cluster, then another worker started: every run resolved within the bound, and no run switched
/// over twice — the highest timeline of the cluster rises by exactly one per succeeded switchover
/// and never by more.
/// </summary>
public sealed class SwitchoverCrashTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Killed_workers_never_switch_over_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        await using var settings = RollingRunTests.WithCluster(await WorkerFactory.CreateAsync(fixture, ct), cluster);
        var passwordVariable = settings.Settings[$"Ops:Clusters:{RollingRunTests.Cluster}:PasswordEnv"]!;
        await using var trials = new CrashTrials(settings,
            new Dictionary<string, string> { [passwordVariable] = cluster.Password },
            async name =>
            {
                long count = 0;
                foreach (var instance in cluster.Instances)
                {
                    count += await cluster.ScalarAsync<long>(instance, $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{name}'", ct);
                }

                return count;
            },
            seed: 1819);
        for (var trial = 0; trial < 8; trial++)
        {
            var before = await HighestTimelineAsync(cluster, ct);
            var run = await trials.RunAsync("switchover", 4000,
                http => MaintenanceCrashTests.SubmitAsync(http, "switchover", new { }, RollingRunTests.Cluster));
            var after = await HighestTimelineAsync(cluster, ct);
            var status = run.GetProperty("status").GetString();
            var log = await trials.LogAsync(run.GetProperty("id").GetGuid());
            Assert.True(status is "succeeded" or "failed", $"{run}\n{log}");
            Assert.True(after - before == (status == "succeeded" ? 1 : after - before) && after - before <= 1,
                $"timeline {before} -> {after} for a {status} switchover: {run}\n{log}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(trials.Report());
    }

    private static async Task<int> HighestTimelineAsync(RollingCluster cluster, CancellationToken cancellationToken)
    {
        var highest = 0;
        foreach (var instance in cluster.Instances)
        {
            await Db.WaitUntilAsync(async () =>
            {
                try
                {
                    highest = Math.Max(highest, await cluster.ScalarAsync<int>(instance, "SELECT timeline_id FROM pg_control_checkpoint()", cancellationToken));
                    return true;
                }
                catch (Npgsql.NpgsqlException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), $"instance {instance.Name} answering");
        }

        return highest;
    }
}
