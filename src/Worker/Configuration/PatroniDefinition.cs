namespace StackGres.Ops.Worker.Configuration;

/// <summary>Patroni's REST API of a cluster: <c>Ops:Clusters:{name}:Patroni</c>.</summary>
public sealed class PatroniDefinition
{
    /// <summary>Members' REST API roots ("http://pg-0.pg:8008"); the first that answers is asked.</summary>
    public List<string> Urls { get; set; } = [];
}
