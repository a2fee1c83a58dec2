namespace StackGres.Ops.Jobs.Clusters.Patroni;

/// <summary>One member of a Patroni cluster as <c>GET /cluster</c> lists it.</summary>
public sealed record PatroniMember
{
    public required string Name { get; init; }

    /// <summary>leader, standby_leader, replica, sync_standby.</summary>
    public required string Role { get; init; }

    /// <summary>running, streaming, stopped, starting, restarting, ...</summary>
    public required string State { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    /// <summary>The member's REST API root (its api_url without "/patroni").</summary>
    public required string ApiUrl { get; init; }

    public int? Timeline { get; init; }

    /// <summary>WAL bytes behind the leader; null for the leader or when Patroni says "unknown".</summary>
    public long? LagBytes { get; init; }

    public bool PendingRestart { get; init; }

    public bool IsLeader => Role is "leader" or "master" or "primary";

    /// <summary>A replica Patroni reports up: "streaming" (Patroni 3.0.4 and later) or "running".</summary>
    public bool IsHealthyReplica => !IsLeader && State is "running" or "streaming" && LagBytes is not null;
}
