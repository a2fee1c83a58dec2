namespace StackGres.Ops.Jobs.Clusters.Patroni;

/// <summary>
/// Where the REST API of a cluster managed by Patroni answers (any member: "http://10.0.0.5:8008"). When set,
/// rolling operations ask Patroni to restart members and to switch over instead of running pg_ctl themselves —
/// the way StackGres and Zalando's operator pods are run.
/// </summary>
public sealed record PatroniEndpoint
{
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>The StatefulSet whose pods the members are, on Kubernetes; null when its pods cannot be replaced.</summary>
    public StatefulSetReference? StatefulSet { get; init; }
}
