namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// A volume mounted into every job runner's pod, e.g. the volume holding the servers' logs for log-report:
/// <c>Ops:Executor:Kubernetes:Volumes:{name}:*</c>, with exactly one source.
/// </summary>
public sealed class RunnerVolumeOptions
{
    /// <summary>Where the runner sees it: an absolute path, not /tmp (the runner's scratch volume).</summary>
    public string? MountPath { get; set; }

    /// <summary>Mounted read-only unless set to false.</summary>
    public bool ReadOnly { get; set; } = true;

    /// <summary>A PersistentVolumeClaim in the Job's namespace.</summary>
    public string? ClaimName { get; set; }

    /// <summary>A directory of the node the pod runs on (single-node clusters).</summary>
    public string? HostPath { get; set; }

    /// <summary>Why this volume cannot be mounted, one message per key; <paramref name="key"/> is its section.</summary>
    public IEnumerable<string> Failures(string name, string key)
    {
        if (name == "tmp" || !DnsLabel.IsValid(name))
        {
            yield return $"{key}: '{name}' is not a volume name: lower-case letters, digits and '-', at most 63, not 'tmp'.";
        }

        if (MountPath is not { Length: > 1 } path || !path.StartsWith('/') || path.TrimEnd('/') is "/tmp" or "/app" ||
            path.StartsWith("/tmp/", StringComparison.Ordinal) || path.StartsWith("/app/", StringComparison.Ordinal))
        {
            yield return $"{key}:MountPath must be an absolute path outside /tmp and /app (got '{MountPath}').";
        }

        if (string.IsNullOrWhiteSpace(ClaimName) == string.IsNullOrWhiteSpace(HostPath))
        {
            yield return $"{key}: set exactly one of ClaimName (a PersistentVolumeClaim) and HostPath.";
        }
        else if (HostPath is { } host && !host.StartsWith('/'))
        {
            yield return $"{key}:HostPath must be an absolute path (got '{host}').";
        }
    }
}
