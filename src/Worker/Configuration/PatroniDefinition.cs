namespace StackGres.Ops.Worker.Configuration;

/// <summary>Patroni's REST API of a cluster, and the StatefulSet whose pods are its members: <c>Ops:Clusters:{name}:Patroni</c>.</summary>
public sealed class PatroniDefinition
{
    /// <summary>Members' REST API roots ("http://pg-0.pg:8008"); the first that answers is asked.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>
    /// The StatefulSet (updateStrategy OnDelete) whose pods are the members, named as their pods: minor-upgrade with an image
    /// and rolling-restart with method ReplacePods delete them one at a time. Set by itself for a cluster this worker provisions.
    /// </summary>
    public string? StatefulSet { get; set; }

    /// <summary>The StatefulSet's namespace; default: the namespace the cluster's Jobs run in.</summary>
    public string? Namespace { get; set; }

    /// <summary>The pod template's PostgreSQL container, whose image a minor upgrade changes.</summary>
    public string Container { get; set; } = Jobs.Clusters.Patroni.StatefulSetReference.DefaultContainer;
}
