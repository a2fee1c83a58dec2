namespace StackGres.Ops.Worker.Configuration;

/// <summary>The cluster inventory: <c>Ops:Clusters:{name}:*</c>.</summary>
public sealed class ClustersOptions : Dictionary<string, ClusterDefinition>
{
    public const string SectionName = "Ops:Clusters";

    public ClustersOptions()
        : base(StringComparer.Ordinal)
    {
    }
}
