using StackGres.Ops.Jobs.Clusters.Topology;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>What rolling-restart, minor-upgrade or switchover did: each step, the topology before and after.</summary>
public sealed record RollingResult
{
    public required string Operation { get; init; }

    public bool DryRun { get; init; }

    public string? PrimaryBefore { get; init; }

    public string? PrimaryAfter { get; init; }

    public IReadOnlyList<RollStep> Steps { get; init; } = [];

    public IReadOnlyList<InstanceView> Before { get; init; } = [];

    public IReadOnlyList<InstanceView> After { get; init; } = [];

    /// <summary>The binaries the instances were restarted onto (minor-upgrade), and the version they report.</summary>
    public string? BinDirectory { get; init; }

    public string? TargetVersion { get; init; }

    /// <summary>The image the pods were replaced onto (minor-upgrade on Kubernetes); null otherwise.</summary>
    public string? Image { get; init; }

    /// <summary>What a client writing all along saw (measureWrites); null when not measured.</summary>
    public WriteProbeResult? Writes { get; init; }

    /// <summary>Why the roll stopped before its end, and the state it left; null when it went through.</summary>
    public string? StoppedBecause { get; init; }

    public double Seconds { get; init; }
}
