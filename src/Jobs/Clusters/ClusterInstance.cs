namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// One PostgreSQL server of a cluster (the primary or a replica: the role is read from the server, never
/// configured, because a switchover changes it). <see cref="Local"/> says where its files are when it runs on
/// the machine the runner runs on; rolling restarts, upgrades and switchovers need it.
/// </summary>
public sealed record ClusterInstance
{
    /// <summary>The instance's name, also its <c>cluster_name</c> and (made slot-safe) its replication slot name.</summary>
    public required string Name { get; init; }

    public required string Host { get; init; }

    public int Port { get; init; } = 5432;

    /// <summary>Its data directory and pg_ctl when it runs on this machine; null otherwise.</summary>
    public LocalServer? Local { get; init; }

    /// <summary>Name and address, safe to show.</summary>
    public override string ToString() => $"{Name} ({Host}:{Port})";
}
