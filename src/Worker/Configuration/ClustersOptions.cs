namespace StackGres.Ops.Worker.Configuration;

/// <summary>The cluster inventory: <c>Ops:Clusters:{name}:*</c>.</summary>
public sealed class ClustersOptions : Dictionary<string, ClusterDefinition>
{
    public const string SectionName = "Ops:Clusters";

    public ClustersOptions()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>Clusters named both in <c>Ops:Clusters</c> and in the inventory file.</summary>
    internal List<string> Duplicates { get; } = [];
}
