using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The worker killed with SIGKILL at seeded random moments during full backups by pgBackRest, then
/// another worker started: every run resolved within the bound, and a backup is never taken twice —
/// the repository gains exactly one set per succeeded run and never more, and no pgBackRest backup
/// process is left behind.
/// </summary>
public sealed class BackupCrashTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Killed_workers_never_take_a_backup_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var settings = (await cluster.CreateWorkerAsync(fixture, ct))
            .WithSetting($"Ops:Clusters:{WorkerFactory.ClusterName}:Backup:RetentionFull", "20");
        await Db.ExecuteAsync(cluster.ConnectionString, "CREATE TABLE t AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100000) g");
        await using var trials = new CrashTrials(settings, new Dictionary<string, string>(),
            name => Db.ScalarAsync<long>(cluster.ConnectionString, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name),
            seed: 1820);
        var sets = 0;
        for (var trial = 0; trial < 4; trial++)
        {
            var run = await trials.RunAsync("backup", 3000,
                http => MaintenanceCrashTests.SubmitAsync(http, "backup", new { type = "full", configureArchiving = true }));
            var status = run.GetProperty("status").GetString();
            var log = await trials.LogAsync(run.GetProperty("id").GetGuid());
            var after = await CountSetsAsync(trials, ct);
            Assert.True(status == "succeeded" ? after == sets + 1 : after - sets <= 1 && status == "failed",
                $"{sets} -> {after} backup sets for a {status} backup run: {run}\n{log}");
            Assert.True(BackupProcesses(cluster.Root).Length == 0, $"pgBackRest backup processes left behind: {string.Join("; ", BackupProcesses(cluster.Root))}");
            sets = after;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(trials.Report());
    }

    private static async Task<int> CountSetsAsync(CrashTrials trials, CancellationToken cancellationToken)
    {
        var listed = await trials.Http.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{WorkerFactory.ClusterName}/backups", cancellationToken);
        return listed.GetProperty("backups").GetArrayLength();
    }

    /// <summary>This cluster's pgBackRest backups (their configuration is under its root): other tests back up at the same time.</summary>
    private static string[] BackupProcesses(string root) => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName)
        .Where(pid => pid!.All(char.IsAsciiDigit))
        .Select(pid => CrashTrials.ReadCommandLine(pid!))
        .Where(command => command.Contains("pgbackrest", StringComparison.Ordinal) && command.Contains(" backup", StringComparison.Ordinal)
                          && command.Contains(root, StringComparison.Ordinal))
        .ToArray();
}
