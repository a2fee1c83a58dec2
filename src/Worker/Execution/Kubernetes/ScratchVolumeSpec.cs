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

    public static V1Volume Volume(ScratchVolumeOptions options, IDictionary<string, string> labels) => options.IsEphemeral
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

    public static V1VolumeMount Mount() => new() { Name = VolumeName, MountPath = MountPath };

    public static V1EnvVar Variable() => new() { Name = ScratchDirectory.Variable, Value = MountPath };
}
