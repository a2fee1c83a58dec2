namespace StackGres.Ops.Jobs.Clusters.Patroni;

/// <summary>
/// The Kubernetes StatefulSet whose pods are a Patroni cluster's members (each member named as its pod), for the rolling
/// operations that replace pods: <c>minor-upgrade</c> with an <c>image</c>, <c>rolling-restart</c> with
/// <c>method: ReplacePods</c>.
/// </summary>
public sealed record StatefulSetReference
{
    public const string DefaultContainer = "postgresql";

    public required string Name { get; init; }

    /// <summary>The StatefulSet's namespace; null: the namespace of the runner's own pod.</summary>
    public string? Namespace { get; init; }

    /// <summary>The pod template's container that runs PostgreSQL and Patroni, whose image a minor upgrade changes.</summary>
    public string Container { get; init; } = DefaultContainer;

    public override string ToString() => Namespace is null ? $"statefulset/{Name}" : $"statefulset/{Name} in {Namespace}";
}
