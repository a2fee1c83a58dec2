using StackGres.Ops.Jobs.Clusters.Topology;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>A cluster as a roll sees it between steps: who is primary, every instance, one line to log.</summary>
public sealed record ClusterState(string? Primary, IReadOnlyList<InstanceView> Instances, string Description);
