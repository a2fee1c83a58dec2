using k8s.Models;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Execution.Kubernetes;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class JobSpecBuilderTests
{
    private static readonly Guid RunId = Guid.Parse("0123456789ab4cde8f0123456789abcd");
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_GivesLockedDownJob_WithPasswordOnlyAsSecretKeyRef()
    {
        var job = Build(new KubernetesExecutorOptions { Image = "runner:1", Limits = { ["memory"] = "256Mi" } });

        Assert.Equal("sgops-23456789abcd-vacuum", job.Metadata.Name);
        Assert.Equal("ops", job.Metadata.NamespaceProperty);
        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.Equal(3600, job.Spec.TtlSecondsAfterFinished);
        Assert.Null(job.Spec.ActiveDeadlineSeconds);
        foreach (var labels in new[] { job.Metadata.Labels, job.Spec.Template.Metadata.Labels })
        {
            Assert.Equal("stackgres-ops", labels["app.kubernetes.io/name"]);
            Assert.Equal("job-runner", labels["app.kubernetes.io/component"]);
            Assert.Equal("stackgres-ops", labels["app.kubernetes.io/managed-by"]);
            Assert.Equal(RunId.ToString("D"), labels["ops.stackgres.io/run-id"]);
            Assert.Equal("demo", labels["ops.stackgres.io/cluster"]);
            Assert.Equal("vacuum", labels["ops.stackgres.io/operation"]);
        }

        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("runner:1", container.Image);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("/tmp", Assert.Single(container.VolumeMounts).MountPath);
        Assert.NotNull(Assert.Single(pod.Volumes).EmptyDir);
        Assert.Equal("256Mi", container.Resources.Limits["memory"].ToString());
        var password = Assert.Single(container.Env, e => e.Name == RunRequest.PasswordVariable);
        Assert.Null(password.Value);
        Assert.Equal("demo-secret", password.ValueFrom.SecretKeyRef.Name);
        Assert.Equal("pw", password.ValueFrom.SecretKeyRef.Key);
        Assert.Contains(RunId.ToString("D"), Assert.Single(container.Env, e => e.Name == RunRequest.EnvironmentVariable).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ForABackupThroughTheTlsServer_MountsTheCertificates_AndGivesS3KeysOnlyAsSecretKeyRefs()
    {
        var backup = new BackupRepository
        {
            Type = BackupRepositoryType.S3,
            S3 = new S3Repository { Bucket = "b", Endpoint = "s3", Region = "r", KeyEnv = "S3_KEY", KeySecretEnv = "S3_SECRET", Secret = "demo-s3" },
            Server = new PgBackRestServer { CertificateSecret = "demo-pgbackrest-tls" },
        };
        var job = Build(new KubernetesExecutorOptions { Image = "runner:1", RunAsUser = 999, RunAsGroup = 999 }, backup: backup);

        var pod = job.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var certificates = pod.Volumes.Single(v => v.Secret is not null).Secret;
        Assert.Equal("demo-pgbackrest-tls", certificates.SecretName);
        Assert.Equal(0b110_100_000, certificates.DefaultMode);
        // The pod's fsGroup (here its group) reads the 0640 files.
        Assert.Equal(999, pod.SecurityContext.FsGroup);
        Assert.Equal(999, pod.SecurityContext.RunAsUser);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == JobSpecBuilder.BackupCertificatesPath && m.ReadOnlyProperty == true);
        var request = Assert.Single(container.Env, e => e.Name == RunRequest.EnvironmentVariable).Value;
        Assert.Contains($"\"certificateDirectory\":\"{JobSpecBuilder.BackupCertificatesPath}\"", request, StringComparison.Ordinal);
        Assert.Equal("demo-s3/accessKeyId", Reference(Assert.Single(container.Env, e => e.Name == "S3_KEY")));
        Assert.Equal("demo-s3/secretAccessKey", Reference(Assert.Single(container.Env, e => e.Name == "S3_SECRET")));

        static string Reference(V1EnvVar variable) =>
            variable.Value is null ? $"{variable.ValueFrom.SecretKeyRef.Name}/{variable.ValueFrom.SecretKeyRef.Key}" : "a plain value";
    }

    [Fact]
    public void Build_GivesARestoreTestAnEmptyDirScratchVolume_NamedToTheRunner_AndOtherRunsNone()
    {
        var options = new KubernetesExecutorOptions { Image = "runner:1" };

        var pod = Build(options, operation: "restore-test").Spec.Template.Spec;

        var container = Assert.Single(pod.Containers);
        var scratch = Assert.Single(pod.Volumes, v => v.Name == ScratchVolumeSpec.VolumeName);
        Assert.NotNull(scratch.EmptyDir);
        Assert.Null(scratch.Ephemeral);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == ScratchVolumeSpec.VolumeName);
        Assert.Equal("/var/lib/stackgres-ops/scratch", mount.MountPath);
        Assert.NotEqual(true, mount.ReadOnlyProperty);
        Assert.Equal(mount.MountPath, Assert.Single(container.Env, e => e.Name == "OPS_SCRATCH_DIRECTORY").Value);
        Assert.Null(pod.SecurityContext.FsGroup);
        foreach (var operation in new[] { "vacuum", "restore", "backup" })
        {
            var other = Build(options, operation: operation).Spec.Template.Spec;
            Assert.DoesNotContain(other.Volumes, v => v.Name == ScratchVolumeSpec.VolumeName);
            Assert.DoesNotContain(other.Containers[0].Env, e => e.Name == "OPS_SCRATCH_DIRECTORY");
        }
    }

    [Fact]
    public void Build_GivesARestoreTestAGenericEphemeralVolume_OfTheStorageClassAndSize_WritableByTheRunnersGroup()
    {
        var options = new KubernetesExecutorOptions
        {
            Image = "runner:1",
            ScratchVolume = new ScratchVolumeOptions { StorageClass = "fast-ssd", Size = "50Gi" },
        };

        var job = Build(options, operation: "restore-test");

        var pod = job.Spec.Template.Spec;
        var claim = Assert.Single(pod.Volumes, v => v.Name == ScratchVolumeSpec.VolumeName).Ephemeral.VolumeClaimTemplate;
        Assert.Null(pod.Volumes.Single(v => v.Name == ScratchVolumeSpec.VolumeName).EmptyDir);
        Assert.Equal("fast-ssd", claim.Spec.StorageClassName);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("50Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal(RunId.ToString("D"), claim.Metadata.Labels["ops.stackgres.io/run-id"]);
        // A claimed disk's root belongs to root: the pod's fsGroup (the runner's group) lets the runner write it.
        Assert.Equal(JobSpecBuilder.RunnerImageGroup, pod.SecurityContext.FsGroup);
        Assert.Equal(999, Build(new KubernetesExecutorOptions { Image = "runner:1", RunAsGroup = 999, ScratchVolume = options.ScratchVolume },
            operation: "restore-test").Spec.Template.Spec.SecurityContext.FsGroup);
        Assert.Null(Build(options, operation: "vacuum").Spec.Template.Spec.SecurityContext.FsGroup);
    }

    [Fact]
    public void Build_TakesShorterOfWindowAndMaximum_ForActiveDeadline()
    {
        var options = new KubernetesExecutorOptions { Image = "runner:1", MaxRunDuration = TimeSpan.FromHours(2) };

        Assert.Equal(1800, Build(options, Now.AddMinutes(30)).Spec.ActiveDeadlineSeconds);
        Assert.Equal(7200, Build(options, Now.AddHours(5)).Spec.ActiveDeadlineSeconds);
        Assert.Equal(1, Build(options, Now.AddHours(-1)).Spec.ActiveDeadlineSeconds);
    }

    [Theory]
    [InlineData("vacuum", "sgops-23456789abcd-vacuum")]
    [InlineData("Restore_Test", "sgops-23456789abcd-restore-test")]
    [InlineData("a-very-long-operation-name-that-goes-on-and-on-and-on-forever", "sgops-23456789abcd-a-very-long-operation-name-that-goes-o")]
    public void JobName_IsDns1123Label_LeavingRoomForPodSuffix(string operation, string expected)
    {
        var name = JobLabels.JobName(RunId, operation);

        Assert.Equal(expected, name);
        Assert.True($"{name}-x7k2p".Length <= 63, name);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
    }

    [Fact]
    public void JobName_DiffersBetweenRuns_WhenCreatedInSameMillisecond()
    {
        var at = new DateTimeOffset(2025, 1, 1, 2, 0, 0, 123, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1000).Select(_ => Guid.CreateVersion7(at)).ToList();

        Assert.Single(ids.Select(id => id.ToString("N")[..12]).Distinct(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Select(id => JobLabels.JobName(id, "vacuum")).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Equal(JobLabels.JobName(id, "vacuum"), JobLabels.JobName(Guid.Parse(id.ToString("D")), "vacuum")));
        Assert.All(ids, id => Assert.StartsWith($"sgops-{id.ToString("D")[^12..]}-", JobLabels.JobName(id, "vacuum"), StringComparison.Ordinal));
    }

    [Fact]
    public void Outcome_NamesKubernetesReason_WhenDeadlineEvictionOrOomStoppedRunner()
    {
        var relay = new RunnerEventRelay(new NullSink(), TimeProvider.System);
        var deadline = new V1Job
        {
            Spec = new V1JobSpec { ActiveDeadlineSeconds = 60 },
            Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "DeadlineExceeded" }] },
        };
        var oom = Pod(new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } });
        var evicted = Pod(new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 143 } });
        evicted.Status.Reason = "Evicted";
        evicted.Status.Message = "The node was low on resource: memory.";
        var crashed = Pod(new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 3 } });

        Assert.Contains("deadline", JobStatusReader.Outcome(deadline, null, relay, false, null).Error, StringComparison.Ordinal);
        Assert.Contains("OOMKilled", JobStatusReader.Outcome(null, oom, relay, false, null).Error, StringComparison.Ordinal);
        Assert.Contains("evicted (The node was low", JobStatusReader.Outcome(null, evicted, relay, false, null).Error, StringComparison.Ordinal);
        var exit = JobStatusReader.Outcome(null, crashed, relay, false, "boom");
        Assert.Equal(RunStatus.Failed, exit.Status);
        Assert.Contains("exited with code 3 without a result: boom", exit.Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, JobStatusReader.Outcome(null, null, relay, true, null).Status);
        Assert.Contains("ImagePullBackOff", JobStatusReader.StuckReason(Pod(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff" } })), StringComparison.Ordinal);
        Assert.Null(JobStatusReader.StuckReason(Pod(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } })));
    }

    [Theory]
    [InlineData("minor-upgrade", """{"image":"registry/pg:15.10"}""", true, true)]
    [InlineData("rolling-restart", """{"method":"ReplacePods"}""", true, true)]
    [InlineData("rolling-restart", """{"method":"InPlace"}""", true, false)]
    [InlineData("rolling-restart", null, true, false)]
    [InlineData("minor-upgrade", """{"image":"registry/pg:15.10"}""", false, false)]
    [InlineData("vacuum", """{"image":"x","method":"ReplacePods"}""", true, false)]
    public void Build_MountsTheServiceAccountToken_OnlyForARunThatReplacesPods(string operation, string? parameters, bool statefulSet, bool mounted)
    {
        var cluster = new ClusterDefinition
        {
            Host = "db",
            PasswordSecret = new SecretKeyReference { Name = "demo-secret", Key = "pw" },
            Patroni = new PatroniDefinition { Urls = ["http://db-0.db-pods:8008"], StatefulSet = statefulSet ? "db" : null },
        };
        var run = new RunRequest
        {
            RunId = RunId,
            Operation = operation,
            Parameters = parameters is null ? null : System.Text.Json.JsonDocument.Parse(parameters).RootElement,
            Cluster = cluster.ToConnection("demo"),
        };

        var job = new JobSpecBuilder(new KubernetesExecutorOptions { Image = "runner:1", ServiceAccountName = "ops-runner" }, TimeSpan.FromSeconds(10))
            .Build(new ExecutionRequest(run, new InventoryCluster("demo", cluster)) { ReplacesPods = OperationCatalog.CreateDefault().ReplacesPods(operation, run.Parameters) },
                "ops", Now);

        Assert.Equal(mounted, job.Spec.Template.Spec.AutomountServiceAccountToken);
        Assert.Equal(statefulSet ? "db" : null, run.Cluster.Patroni!.StatefulSet?.Name);
    }

    private static V1Pod Pod(V1ContainerState state) => new()
    {
        Spec = new V1PodSpec { Containers = [new V1Container { Name = JobSpecBuilder.ContainerName }] },
        Status = new V1PodStatus { ContainerStatuses = [new V1ContainerStatus { Name = JobSpecBuilder.ContainerName, State = state }] },
    };

    private static V1Job Build(KubernetesExecutorOptions options, DateTimeOffset? deadline = null, BackupRepository? backup = null,
        string operation = "vacuum")
    {
        var cluster = new ClusterDefinition { Host = "db", PasswordSecret = new SecretKeyReference { Name = "demo-secret", Key = "pw" }, Backup = backup };
        var run = new RunRequest { RunId = RunId, Operation = operation, Cluster = cluster.ToConnection("demo") };
        return new JobSpecBuilder(options, TimeSpan.FromSeconds(10)).Build(new ExecutionRequest(run, new InventoryCluster("demo", cluster)) { Deadline = deadline }, "ops", Now);
    }

    private sealed class NullSink : IRunEventSink
    {
        public Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
