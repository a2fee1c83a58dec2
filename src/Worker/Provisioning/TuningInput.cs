namespace StackGres.Ops.Worker.Provisioning;

/// <summary>What the tuning rules read: the container's memory and cpus, the volume, the topology.</summary>
/// <param name="MemoryBytes">The memory limit (the request when no limit is set).</param>
/// <param name="Cpus">The cpu limit (else the request), rounded up to whole cores, at least 1.</param>
/// <param name="StorageBytes">The data volume's size.</param>
/// <param name="Ssd">Solid-state or network block storage.</param>
/// <param name="Instances">Primary and replicas.</param>
/// <param name="MaxConnections">The spec's max_connections, else 100.</param>
public sealed record TuningInput(long MemoryBytes, int Cpus, long StorageBytes, bool Ssd, int Instances, int MaxConnections);
