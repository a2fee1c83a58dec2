namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>A streaming replica of a <see cref="LocalCluster"/>: its name (also its cluster_name), its slot and its server.</summary>
public sealed record LocalReplica(string Name, string SlotName, LocalPostgresInstance Instance);
