namespace StackGres.Ops.Worker.Provisioning;

/// <summary>The clusters to render and apply: <c>Ops:ClusterSpecs:{name}:*</c>.</summary>
public sealed class ClusterSpecsOptions : Dictionary<string, ClusterSpec>
{
    public const string SectionName = "Ops:ClusterSpecs";

    public ClusterSpecsOptions()
        : base(StringComparer.Ordinal)
    {
    }
}
