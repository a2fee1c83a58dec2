using k8s;
using k8s.Models;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Tests.Backup;
using StackGres.Ops.Tests.Images;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Execution.Kubernetes;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>
/// Backups as Kubernetes Jobs from the runner image, through the instance's pgBackRest TLS server: the Job mounts the
/// client certificates from a Secret and the repository volume (shared with the instance's archive-push, so the pod
/// runs as the instance's user), and takes full, differential and incremental sets; expire deletes a set. Then
/// restore-test Jobs prove the newest set on the same repository: restored into the Job's scratch volume (an emptyDir,
/// then a generic ephemeral volume) and started there by the image's own server, counted and checked with amcheck; and,
/// once a file of the set is damaged, refused.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class BackupJobTests(PostgresFixture fixture)
{
    private const string CertificateSecret = "demo-pgbackrest-tls";

    // The repository as the Job's pod sees it (the instance's side knows it by its own path).
    private const string RepositoryMount = "/var/lib/pgbackrest";

    private static readonly TimeSpan RestoreTestTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Backups_RunAsJobs_ThroughTheTlsServer_WithTheCertificatesFromASecret_AndRestoreTestJobsProveThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var server = await PgBackRestTlsServer.StartAsync(cluster, WorkerFactory.ClusterName, ct);
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await bed.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = CertificateSecret },
            Type = "kubernetes.io/tls",
            StringData = server.ClientSecretData(),
        }, KubernetesWorkerBed.Namespace, cancellationToken: ct);
        string newest;
        await using (var worker = await JobWorkerAsync(bed, cluster, server, ct))
        {
            newest = await BackupJobsAsync(worker, bed, cluster, ct);
            await RestoreTestJobPassesAsync(worker, bed, newest, ephemeral: false, ct);
        }

        // Another worker, whose restore-test Jobs get a generic ephemeral volume: a claimed disk, root's, that the runner
        // writes through the pod's fsGroup.
        await using (var worker = (await JobWorkerAsync(bed, cluster, server, ct))
                     .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:Size", "1Gi")
                     .WithSetting("Ops:Executor:Kubernetes:ScratchVolume:StorageClass", "standard"))
        {
            await RestoreTestJobPassesAsync(worker, bed, newest, ephemeral: true, ct);
            await RestoreTestJobFailsOnADamagedSetAsync(worker, cluster, newest);
        }
    }

    /// <summary>
    /// A worker whose cluster is backed up through the TLS server with the certificates from the Secret, the repository
    /// a hostPath volume of the Jobs, and the pods run as the repository's owner (the instance's user).
    /// </summary>
    private async Task<WorkerFactory> JobWorkerAsync(KubernetesWorkerBed bed, BackupCluster cluster, PgBackRestTlsServer server, CancellationToken ct)
    {
        var (uid, gid) = await OwnerAsync(cluster.Repository, ct);
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        return server.Configure(await bed.CreateWorkerAsync(fixture, ct, cluster: cluster.Server.ConnectionString(BackupCluster.Database)), cluster)
            .WithSetting($"{key}:Backup:Server:CertificateDirectory", null)
            .WithSetting($"{key}:Backup:Server:CertificateSecret", CertificateSecret)
            .WithSetting($"{key}:Backup:Path", RepositoryMount)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:HostPath", cluster.Repository)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:MountPath", RepositoryMount)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:ReadOnly", "false")
            .WithSetting("Ops:Executor:Kubernetes:RunAsUser", uid)
            .WithSetting("Ops:Executor:Kubernetes:RunAsGroup", gid);
    }

    /// <summary>Full, differential, incremental and full backups as Jobs; the newest set's label.</summary>
    private static async Task<string> BackupJobsAsync(WorkerFactory worker, KubernetesWorkerBed bed, BackupCluster cluster, CancellationToken ct)
    {
        var (runs, _) = await TlsBackupTests.TakeFullDiffIncrFullAsync(worker, cluster, ct);

        Assert.All(runs, run => Assert.Equal("kubernetes", run.GetProperty("executor").GetString()));
        var jobs = bed.Jobs();
        Assert.Equal(4, jobs.Count);
        var pod = jobs[0].Spec.Template.Spec;
        Assert.Equal(ProjectImages.Runner, pod.Containers[0].Image);
        Assert.Equal(CertificateSecret, pod.Volumes.Single(v => v.Secret is not null).Secret.SecretName);
        Assert.Contains(pod.Containers[0].VolumeMounts, m => m.MountPath == JobSpecBuilder.BackupCertificatesPath && m.ReadOnlyProperty == true);
        Assert.DoesNotContain("PRIVATE KEY", System.Text.Json.JsonSerializer.Serialize(jobs), StringComparison.Ordinal);
        Assert.All(jobs, job => Assert.DoesNotContain(job.Spec.Template.Spec.Volumes, v => v.Name == ScratchVolumeSpec.VolumeName));
        return runs[3].GetProperty("result").GetProperty("backup").GetProperty("label").GetString()!;
    }

    /// <summary>
    /// The newest full holds the table's 10,000 first rows and the three batches of 1,000 inserted after the earlier
    /// sets (the batch after it is in the WAL only, which a restore-test does not replay unless asked).
    /// </summary>
    private static async Task RestoreTestJobPassesAsync(WorkerFactory worker, KubernetesWorkerBed bed, string newest, bool ephemeral, CancellationToken ct)
    {
        var run = await RestoreTestAsync(worker);
        TestContext.Current.TestOutputHelper?.WriteLine($"restore-test Job ({(ephemeral ? "ephemeral" : "emptyDir")} scratch volume): {run}");

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal("kubernetes", run.GetProperty("executor").GetString());
        var result = run.GetProperty("result");
        Assert.True(result.GetProperty("passed").GetBoolean());
        Assert.Equal(newest, result.GetProperty("backupSet").GetString());
        var count = Assert.Single(result.GetProperty("tableCounts").EnumerateArray());
        Assert.Equal("public.t", count.GetProperty("table").GetString());
        Assert.Equal(13_000, count.GetProperty("rows").GetInt64());
        var amcheck = result.GetProperty("amcheck");
        Assert.True(amcheck.GetProperty("ran").GetBoolean(), amcheck.ToString());
        Assert.True(amcheck.GetProperty("indexesChecked").GetInt32() > 0 && amcheck.GetProperty("tablesChecked").GetInt32() > 0, amcheck.ToString());
        Assert.Empty(amcheck.GetProperty("problems").EnumerateArray());

        using var client = worker.CreateAuthorizedClient();
        var log = await client.GetStringAsync($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", ct);
        Assert.Contains($"into scratch instance {ScratchVolumeSpec.MountPath}/restore-test-", log, StringComparison.Ordinal);
        Assert.Contains($"starting the server on {ScratchDirectory.Host}:", log, StringComparison.Ordinal);
        Assert.Contains("scratch instance stopped and removed", log, StringComparison.Ordinal);
        var runId = run.GetProperty("id").GetGuid().ToString("D");
        var pod = bed.Jobs().Single(j => j.Metadata.Labels[JobLabels.RunId] == runId).Spec.Template.Spec;
        var scratch = pod.Volumes.Single(v => v.Name == ScratchVolumeSpec.VolumeName);
        Assert.Equal(ephemeral, scratch.Ephemeral is not null);
        Assert.Equal(!ephemeral, scratch.EmptyDir is not null);
        Assert.Equal(ScratchVolumeSpec.MountPath, pod.Containers[0].Env.Single(e => e.Name == ScratchDirectory.Variable).Value);
    }

    /// <summary>A data file of the newest set cut in half: pgBackRest refuses it, and the run says so.</summary>
    private static async Task RestoreTestJobFailsOnADamagedSetAsync(WorkerFactory worker, BackupCluster cluster, string newest)
    {
        var set = Path.Combine(cluster.Repository, "backup", WorkerFactory.ClusterName, newest, "pg_data");
        var victim = new DirectoryInfo(set).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(f => f.Length)!;
        await using (var stream = new FileStream(victim.FullName, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(victim.Length / 2);
        }

        var run = await RestoreTestAsync(worker);
        TestContext.Current.TestOutputHelper?.WriteLine($"restore-test Job on a damaged set: {run}");

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        var reason = run.GetProperty("reason").GetString()!;
        Assert.Contains($"restore-test of backup set {newest} failed: pgbackrest restore failed", reason, StringComparison.Ordinal);
    }

    private static async Task<System.Text.Json.JsonElement> RestoreTestAsync(WorkerFactory worker)
    {
        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "restore-test", parameters = new { tables = new[] { "t" } } }))
            .GetProperty("id").GetGuid();
        return await worker.WaitForRunAsync(id, RestoreTestTimeout);
    }

    private static async Task<(string Uid, string Gid)> OwnerAsync(string path, CancellationToken ct)
    {
        var stat = await ProcessRunner.RunAsync(LocalPostgresInstance.FindSystemProgram("stat"), ["-c", "%u %g", path], ct);
        var ids = stat.StandardOutput.Trim().Split(' ');
        return (ids[0], ids[1]);
    }
}
