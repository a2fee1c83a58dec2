using k8s.Models;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>
/// The scratch volume of a restore-test Job: where the runner restores the backup and starts the copy. An emptyDir, or a
/// generic ephemeral volume (a claim made with the pod and deleted with it) when <see cref="ScratchVolumeOptions.Size"/> is
/// set; mounted at <see cref="MountPath"/>, which the runner reads from <c>$OPS_SCRATCH_DIRECTORY</c>.
/// </summary>
public static class ScratchVolumeSpec
{
    public const string VolumeName = "scratch";

    public const string MountPath = "/var/lib/stackgres-ops/scratch";

    /// <summary>Whether the run's Job gets a scratch volume: restore-test only (a restore's new instance outlives no pod).</summary>
    public static bool Applies(RunRequest run) => string.Equals(run.Operation, RestoreTestOperation.OperationName, StringComparison.Ordinal);

    /// <summary>The run's scratch volume: none unless it <see cref="Applies"/>.</summary>
    public static IEnumerable<V1Volume> Volumes(RunRequest run, ScratchVolumeOptions options, IDictionary<string, string> labels) =>
        Applies(run) ? [Volume(options, labels)] : [];

    /// <summary>Where the scratch volume is mounted in the runner: nowhere unless the run <see cref="Applies"/>.</summary>
    public static IEnumerable<V1VolumeMount> Mounts(RunRequest run) => Applies(run) ? [new V1VolumeMount { Name = VolumeName, MountPath = MountPath }] : [];

    /// <summary><c>$OPS_SCRATCH_DIRECTORY</c> naming the mount: unset unless the run <see cref="Applies"/>.</summary>
    public static IEnumerable<V1EnvVar> Variables(RunRequest run) => Applies(run) ? [new V1EnvVar { Name = ScratchDirectory.Variable, Value = MountPath }] : [];

    private static V1Volume Volume(ScratchVolumeOptions options, IDictionary<string, string> labels) => options.IsEphemeral
        ? new V1Volume
        {
            Name = VolumeName,
            Ephemeral = new V1EphemeralVolumeSource
            {
                VolumeClaimTemplate = new V1PersistentVolumeClaimTemplate
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        StorageClassName = options.StorageClass,
                        Resources = new V1VolumeResourceRequirements
                        {
                            Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["storage"] = new(options.Size) },
                        },
                    },
                },
            },
        }
        : new V1Volume { Name = VolumeName, EmptyDir = new V1EmptyDirVolumeSource() };
}
