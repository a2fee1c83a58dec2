using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>
/// Backups through pgBackRest's TLS server beside the instance (Backup:Server), as a runner away from the primary's
/// machine takes them, on the embedded default (the local executor): full, differential and incremental sets, expire
/// deleting a set from the repository, and a runner whose certificate the server does not trust refused in one sentence
/// with nothing written.
/// </summary>
public sealed class TlsBackupTests(PostgresFixture fixture)
{
    private static readonly TimeSpan BackupTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Backups_ThroughTheTlsServer_TakeFullDiffAndIncrementalSets_AndExpireDeletesTheOldFull()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var server = await PgBackRestTlsServer.StartAsync(cluster, WorkerFactory.ClusterName, ct);
        await using var worker = server.Configure(await WorkerFactory.CreateAsync(fixture, ct, clusterConnectionString: cluster.Server.ConnectionString(BackupCluster.Database)), cluster);

        var (runs, expired) = await TakeFullDiffIncrFullAsync(worker, cluster, ct);

        using var client = worker.CreateAuthorizedClient();
        var log = await client.GetStringAsync($"/api/v1/runs/{runs[0].GetProperty("id").GetGuid()}/logs", ct);
        Assert.Contains($"through pgBackRest's TLS server at {PgBackRestTlsServer.Host}:{server.Port}", log, StringComparison.Ordinal);
        Assert.Equal("local", runs[0].GetProperty("executor").GetString());
        Assert.NotEmpty(expired);
    }

    [Fact]
    public async Task ARunnerWhoseCertificateTheServerDoesNotTrust_IsRefusedInOneSentence_AndNothingIsWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var server = await PgBackRestTlsServer.StartAsync(cluster, WorkerFactory.ClusterName, ct);
        await using var worker = server.Configure(await WorkerFactory.CreateAsync(fixture, ct, clusterConnectionString: cluster.Server.ConnectionString(BackupCluster.Database)),
            cluster, server.StrangerCertificates);

        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "backup", parameters = new { type = "full", configureArchiving = true } }))
            .GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, BackupTimeout);

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        var reason = run.GetProperty("reason").GetString()!;
        Assert.Contains($"pgBackRest's TLS server at {PgBackRestTlsServer.Host}:{server.Port} refused the runner's certificate", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cluster.Repository));
        Assert.Equal("", await Db.ScalarAsync<string>(cluster.ConnectionString, "SELECT current_setting('archive_command')"));
    }

    [Fact]
    public async Task MissingCertificates_AreNamed_BeforeAnythingIsTried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        var nowhere = Path.Combine(cluster.Root, "no-certificates");
        await using var worker = (await WorkerFactory.CreateAsync(fixture, ct, clusterConnectionString: cluster.Server.ConnectionString(BackupCluster.Database)))
            .WithSetting($"Ops:Clusters:{WorkerFactory.ClusterName}:SslMode", "Disable")
            .WithSetting($"Ops:Clusters:{WorkerFactory.ClusterName}:Backup:Path", cluster.Repository)
            .WithSetting($"Ops:Clusters:{WorkerFactory.ClusterName}:Backup:Server:CertificateDirectory", nowhere);

        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "backup", parameters = new { type = "full" } })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, BackupTimeout);

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        Assert.Contains($"'{Path.Combine(nowhere, "ca.crt")}'", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("are missing on this runner", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Full (setting archive_command to the instance's configuration), then differential and incremental sets each
    /// after new rows, then a second full with one full kept: expire deletes the first full and the sets that
    /// depend on it, from the repository's directory. Returns the four runs and what the last one expired.
    /// </summary>
    internal static async Task<(JsonElement[] Runs, string[] Expired)> TakeFullDiffIncrFullAsync(WorkerFactory worker, BackupCluster cluster, CancellationToken ct)
    {
        await Db.ExecuteAsync(cluster.ConnectionString, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) g");
        var runs = new List<JsonElement>();
        foreach (var (type, configure) in new[] { ("full", true), ("diff", false), ("incr", false), ("full", false) })
        {
            var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "backup", parameters = new { type, configureArchiving = configure } }))
                .GetProperty("id").GetGuid();
            var run = await worker.WaitForRunAsync(id, BackupTimeout);
            Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
            Assert.Equal(type, run.GetProperty("result").GetProperty("backup").GetProperty("type").GetString());
            runs.Add(run);
            await Db.ExecuteAsync(cluster.ConnectionString, "INSERT INTO t SELECT g FROM generate_series(1, 1000) g");
        }

        var labels = runs.Select(r => r.GetProperty("result").GetProperty("backup").GetProperty("label").GetString()!).ToArray();
        var sets = Path.Combine(cluster.Repository, "backup", WorkerFactory.ClusterName);
        var expired = runs[3].GetProperty("result").GetProperty("expired").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(labels[..3], expired);
        Assert.All(labels[..3], label => Assert.False(Directory.Exists(Path.Combine(sets, label)), $"{label} is still in the repository"));
        Assert.True(Directory.Exists(Path.Combine(sets, labels[3])));
        Assert.Equal(1, runs[3].GetProperty("result").GetProperty("backupsKept").GetInt32());
        Assert.StartsWith("pgbackrest --config=", await Db.ScalarAsync<string>(cluster.ConnectionString, "SELECT current_setting('archive_command')"), StringComparison.Ordinal);
        return ([.. runs], expired);
    }
}
