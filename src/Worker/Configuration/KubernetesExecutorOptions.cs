namespace StackGres.Ops.Worker.Configuration;

/// <summary>How the Kubernetes executor reaches the API server and what its Jobs look like: <c>Ops:Executor:Kubernetes:*</c>.</summary>
public sealed class KubernetesExecutorOptions
{
    public const string SectionName = ExecutorOptions.SectionName + ":Kubernetes";

    /// <summary>Path of a kubeconfig file; none: the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context; none: its current context.</summary>
    public string? Context { get; set; }

    /// <summary>Where Jobs are created when the cluster names no namespace; none: the service account's (or the context's) namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>The job-runner image, pinned by tag or digest.</summary>
    public string? Image { get; set; }

    public string ImagePullPolicy { get; set; } = "IfNotPresent";

    /// <summary>The container's command: the job runner in the image.</summary>
    public List<string> Command { get; set; } = ["/app/StackGres.Ops.Jobs"];

    /// <summary>The Jobs' service account; none: the namespace's default (the runner needs no API access).</summary>
    public string? ServiceAccountName { get; set; }

    /// <summary>Resource requests, e.g. cpu: 100m, memory: 128Mi.</summary>
    public Dictionary<string, string> Requests { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Resource limits, e.g. memory: 512Mi.</summary>
    public Dictionary<string, string> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Volumes mounted into every runner pod, by name (e.g. the servers' logs for log-report).</summary>
    public Dictionary<string, RunnerVolumeOptions> Volumes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The scratch volume of restore-test Jobs: an emptyDir unless a size (and storage class) asks for a generic ephemeral volume.</summary>
    public ScratchVolumeOptions ScratchVolume { get; set; } = new();

    /// <summary>
    /// The runner pods' user, group and fsGroup (pod securityContext); none: the image's user (1654). A backup repository
    /// on a volume that the instances' archive-push also writes needs the instances' user here (StackGres: 999, PGO: 26).
    /// </summary>
    public long? RunAsUser { get; set; }

    public long? RunAsGroup { get; set; }

    public long? FsGroup { get; set; }

    /// <summary>How long a finished Job (and its pod's log) stays before Kubernetes removes it.</summary>
    public TimeSpan TtlAfterFinished { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest a run without a window may last (activeDeadlineSeconds); a window's run gets the time left in the window.</summary>
    public TimeSpan? MaxRunDuration { get; set; }

    /// <summary>How long to wait for the rest of a finished pod's log.</summary>
    public TimeSpan LogDrainTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
