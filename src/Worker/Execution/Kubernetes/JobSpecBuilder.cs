using System.Text.Json;
using k8s.Models;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>
/// The batch/v1 Job of one run, without any I/O: the runner's request in $OPS_RUN_REQUEST, the
/// password only as a secretKeyRef, no retries (the worker decides), a locked-down pod with no API token unless the
/// run replaces pods.
/// </summary>
public sealed class JobSpecBuilder(KubernetesExecutorOptions options, TimeSpan cancelGracePeriod)
{
    public const string ContainerName = "runner";

    /// <summary>Where a cluster's pgBackRest client certificates (Backup:Server:CertificateSecret) are mounted.</summary>
    public const string BackupCertificatesPath = "/etc/stackgres-ops/pgbackrest-tls";

    /// <summary>The runner image's own group (its user is 1654:1654).</summary>
    public const long RunnerImageGroup = 1654;

    private const string TmpVolume = "tmp";
    private const string BackupCertificatesVolume = "pgbackrest-tls";

    public V1Job Build(ExecutionRequest request, string jobNamespace, DateTimeOffset now)
    {
        request = WithMountedCertificates(request);
        var run = request.Run;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [JobLabels.Name] = JobLabels.AppName,
            [JobLabels.Component] = JobLabels.RunnerComponent,
            [JobLabels.ManagedBy] = JobLabels.AppName,
            [JobLabels.RunId] = run.RunId.ToString("D"),
            [JobLabels.Cluster] = JobLabels.Value(run.Cluster.Name ?? string.Empty),
            [JobLabels.Operation] = JobLabels.Value(run.Operation),
        };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = JobLabels.JobName(run.RunId, run.Operation),
                NamespaceProperty = jobNamespace,
                Labels = labels,
            },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                ActiveDeadlineSeconds = ActiveDeadlineSeconds(request.Deadline, now),
                TtlSecondsAfterFinished = (int)Math.Ceiling(options.TtlAfterFinished.TotalSeconds),
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                    Spec = PodSpec(request, labels),
                },
            },
        };
    }

    /// <summary>
    /// A cluster backed up through pgBackRest's TLS server with its certificates in a Secret: the runner finds them where the
    /// Secret is mounted.
    /// </summary>
    private static ExecutionRequest WithMountedCertificates(ExecutionRequest request)
    {
        var cluster = request.Run.Cluster;
        if (cluster.Backup is not { Server: { CertificateSecret: not null } server } backup)
        {
            return request;
        }

        var mounted = cluster with { Backup = backup with { Server = server with { CertificateDirectory = BackupCertificatesPath } } };
        return request with { Run = request.Run with { Cluster = mounted } };
    }

    /// <summary>The time left in the window, or the configured maximum, whichever is shorter; null: no limit.</summary>
    public long? ActiveDeadlineSeconds(DateTimeOffset? deadline, DateTimeOffset now)
    {
        TimeSpan? limit = options.MaxRunDuration;
        if (deadline is { } closes)
        {
            var left = closes - now;
            limit = limit is { } max && max < left ? max : left;
        }

        return limit is { } value ? Math.Max(1L, (long)Math.Ceiling(value.TotalSeconds)) : null;
    }

    private V1PodSpec PodSpec(ExecutionRequest request, IDictionary<string, string> labels) => new()
    {
        RestartPolicy = "Never",
        ServiceAccountName = options.ServiceAccountName,
        // Only a run that replaces a cluster's pods talks to the Kubernetes API: only its pod gets the ServiceAccount's token.
        AutomountServiceAccountToken = request.Run.Cluster.Patroni?.StatefulSet is not null && request.ReplacesPods,
        TerminationGracePeriodSeconds = Math.Max(1L, (long)Math.Ceiling(cancelGracePeriod.TotalSeconds)),
        SecurityContext = new V1PodSecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = options.RunAsUser,
            RunAsGroup = options.RunAsGroup,
            FsGroup = FsGroup(request),
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        },
        Containers =
        [
            new V1Container
            {
                Name = ContainerName,
                Image = options.Image,
                ImagePullPolicy = options.ImagePullPolicy,
                Command = [.. options.Command],
                Env = [.. Environment(request), .. ScratchVolumeSpec.Variables(request.Run)],
                Resources = Resources(),
                SecurityContext = new V1SecurityContext
                {
                    RunAsNonRoot = true,
                    ReadOnlyRootFilesystem = true,
                    AllowPrivilegeEscalation = false,
                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                },
                VolumeMounts = [
                    new V1VolumeMount { Name = TmpVolume, MountPath = "/tmp" },
                    .. options.Volumes.Select(v => new V1VolumeMount { Name = v.Key, MountPath = v.Value.MountPath, ReadOnlyProperty = v.Value.ReadOnly }),
                    .. CertificateSecret(request) is null
                        ? (IEnumerable<V1VolumeMount>)[]
                        : [new V1VolumeMount { Name = BackupCertificatesVolume, MountPath = BackupCertificatesPath, ReadOnlyProperty = true }],
                    .. ScratchVolumeSpec.Mounts(request.Run),
                ],
            },
        ],
        Volumes = [
            new V1Volume { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() },
            .. options.Volumes.Select(v => Volume(v.Key, v.Value)),
            .. CertificateSecret(request) is { } secret
                ? [new V1Volume
                {
                    Name = BackupCertificatesVolume,
                    Secret = new V1SecretVolumeSource { SecretName = secret, DefaultMode = StackGres.Ops.Jobs.Clusters.PgBackRestServer.SecretVolumeMode },
                }]
                : (IEnumerable<V1Volume>)[],
            .. ScratchVolumeSpec.Volumes(request.Run, options.ScratchVolume, labels),
        ],
    };

    private static string? CertificateSecret(ExecutionRequest request) => request.Run.Cluster.Backup?.Server?.CertificateSecret;

    /// <summary>
    /// The configured fsGroup; with mounted certificates or an ephemeral scratch volume (whose disk is root's) and none
    /// configured, the runner's group, so it can read the former and write the latter.
    /// </summary>
    private long? FsGroup(ExecutionRequest request) =>
        options.FsGroup ?? (CertificateSecret(request) is null && !(ScratchVolumeSpec.Applies(request.Run) && options.ScratchVolume.IsEphemeral)
            ? null
            : options.RunAsGroup ?? RunnerImageGroup);

    private static V1Volume Volume(string name, RunnerVolumeOptions volume) => new()
    {
        Name = name,
        PersistentVolumeClaim = volume.ClaimName is { } claim
            ? new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = volume.ReadOnly }
            : null,
        HostPath = volume.HostPath is { } path ? new V1HostPathVolumeSource { Path = path, Type = "Directory" } : null,
    };

    private static List<V1EnvVar> Environment(ExecutionRequest request)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = RunRequest.EnvironmentVariable, Value = JsonSerializer.Serialize(request.Run, OpsJson.Options) },
        };
        if (request.Cluster.Definition.PasswordSecret is { } secret)
        {
            env.Add(SecretVariable(RunRequest.PasswordVariable, secret.Name, secret.Key));
        }

        if (request.Run.Cluster.Backup?.S3 is { Secret: { } s3Secret } s3)
        {
            env.Add(SecretVariable(s3.KeyEnv, s3Secret, s3.AccessKeyIdKey));
            env.Add(SecretVariable(s3.KeySecretEnv, s3Secret, s3.SecretAccessKeyKey));
        }

        return env;
    }

    private static V1EnvVar SecretVariable(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    private V1ResourceRequirements? Resources()
    {
        if (options.Requests.Count == 0 && options.Limits.Count == 0)
        {
            return null;
        }

        return new V1ResourceRequirements
        {
            Requests = options.Requests.Count == 0 ? null : options.Requests.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value), StringComparer.Ordinal),
            Limits = options.Limits.Count == 0 ? null : options.Limits.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value), StringComparer.Ordinal),
        };
    }
}
