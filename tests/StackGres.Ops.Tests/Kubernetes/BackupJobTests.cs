using k8s;
using k8s.Models;
using StackGres.Ops.Jobs.Clusters.Local;
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
/// runs as the instance's user), and takes full, differential and incremental sets; expire deletes a set.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class BackupJobTests(PostgresFixture fixture)
{
    private const string CertificateSecret = "demo-pgbackrest-tls";

    // The repository as the Job's pod sees it (the instance's side knows it by its own path).
    private const string RepositoryMount = "/var/lib/pgbackrest";

    [Fact]
    public async Task Backups_RunAsJobs_ThroughTheTlsServer_WithTheCertificatesFromASecret()
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
        var (uid, gid) = await OwnerAsync(cluster.Repository, ct);
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        await using var worker = server.Configure(await bed.CreateWorkerAsync(fixture, ct, cluster: cluster.Server.ConnectionString(BackupCluster.Database)), cluster)
            .WithSetting($"{key}:Backup:Server:CertificateDirectory", null)
            .WithSetting($"{key}:Backup:Server:CertificateSecret", CertificateSecret)
            .WithSetting($"{key}:Backup:Path", RepositoryMount)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:HostPath", cluster.Repository)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:MountPath", RepositoryMount)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:repository:ReadOnly", "false")
            .WithSetting("Ops:Executor:Kubernetes:RunAsUser", uid)
            .WithSetting("Ops:Executor:Kubernetes:RunAsGroup", gid);

        var (runs, _) = await TlsBackupTests.TakeFullDiffIncrFullAsync(worker, cluster, ct);

        Assert.All(runs, run => Assert.Equal("kubernetes", run.GetProperty("executor").GetString()));
        var jobs = bed.Jobs();
        Assert.Equal(4, jobs.Count);
        var pod = jobs[0].Spec.Template.Spec;
        Assert.Equal(ProjectImages.Runner, pod.Containers[0].Image);
        Assert.Equal(CertificateSecret, pod.Volumes.Single(v => v.Secret is not null).Secret.SecretName);
        Assert.Contains(pod.Containers[0].VolumeMounts, m => m.MountPath == JobSpecBuilder.BackupCertificatesPath && m.ReadOnlyProperty == true);
        Assert.DoesNotContain("PRIVATE KEY", System.Text.Json.JsonSerializer.Serialize(jobs), StringComparison.Ordinal);
    }

    private static async Task<(string Uid, string Gid)> OwnerAsync(string path, CancellationToken ct)
    {
        var stat = await ProcessRunner.RunAsync(LocalPostgresInstance.FindSystemProgram("stat"), ["-c", "%u %g", path], ct);
        var ids = stat.StandardOutput.Trim().Split(' ');
        return (ids[0], ids[1]);
    }
}
