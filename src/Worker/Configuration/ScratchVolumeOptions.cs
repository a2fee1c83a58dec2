using System.Text.RegularExpressions;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// The scratch volume of a restore-test Job, where the backup is restored and the copy started:
/// <c>Ops:Executor:Kubernetes:ScratchVolume:*</c>. None set: an <c>emptyDir</c> (the node's disk). <see cref="Size"/> set: a
/// generic ephemeral volume (<c>ephemeral.volumeClaimTemplate</c>), a PersistentVolumeClaim made with the pod and deleted with
/// it, of <see cref="StorageClass"/> (none: the cluster's default class).
/// </summary>
public sealed partial class ScratchVolumeOptions
{
    /// <summary>The ephemeral volume's size, a Kubernetes quantity (e.g. 50Gi): room for a restored copy of the cluster.</summary>
    public string? Size { get; set; }

    /// <summary>The ephemeral volume's storage class; none: the cluster's default. Needs <see cref="Size"/>.</summary>
    public string? StorageClass { get; set; }

    /// <summary>True when the scratch volume is a generic ephemeral volume rather than an emptyDir.</summary>
    public bool IsEphemeral => !string.IsNullOrWhiteSpace(Size);

    /// <summary>Why this scratch volume cannot be made, one message per key; <paramref name="key"/> is its section.</summary>
    public IEnumerable<string> Failures(string key)
    {
        if (Size is { } size && (string.IsNullOrWhiteSpace(size) || PositiveBytes(size) is not true))
        {
            yield return $"{key}:Size must be a positive Kubernetes quantity of bytes, e.g. 50Gi (got '{size}').";
        }

        if (StorageClass is { } storageClass)
        {
            if (!StorageClassPattern().IsMatch(storageClass))
            {
                yield return $"{key}:StorageClass '{storageClass}' is not a storage class name: lower-case letters, digits, '-' and '.', at most 253.";
            }

            if (string.IsNullOrWhiteSpace(Size))
            {
                yield return $"{key}:StorageClass needs {key}:Size: a generic ephemeral volume is requested with its size.";
            }
        }
    }

    private static bool? PositiveBytes(string text)
    {
        try
        {
            return new k8s.Models.ResourceQuantity(text).ToDecimal() >= 1;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}\z)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex StorageClassPattern();
}
