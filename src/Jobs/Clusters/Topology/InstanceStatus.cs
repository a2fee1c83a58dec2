using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>What one instance said when asked (or why it could not be asked).</summary>
public sealed record InstanceStatus
{
    public required ClusterInstance Instance { get; init; }

    /// <summary>Why the instance could not be asked; null when it answered.</summary>
    public string? Error { get; init; }

    public bool InRecovery { get; init; }

    /// <summary>The primary's current WAL position, or the replica's last replayed one.</summary>
    public NpgsqlLogSequenceNumber? Lsn { get; init; }

    /// <summary>A replica's last received WAL position.</summary>
    public NpgsqlLogSequenceNumber? ReceiveLsn { get; init; }

    /// <summary>A streaming replica's: the timeline it receives; otherwise that of the instance's latest checkpoint (a replica's: of its latest restartpoint).</summary>
    public int? Timeline { get; init; }

    /// <summary>The server's cluster_name (a replica's walreceiver reports it as its application_name).</summary>
    public string? ClusterName { get; init; }

    /// <summary>server_version_num, e.g. 150010.</summary>
    public int? ServerVersionNumber { get; init; }

    /// <summary>A replica's walreceiver status ("streaming", "waiting", ...); null when it has none.</summary>
    public string? ReceiverStatus { get; init; }

    /// <summary>The host and port a replica's walreceiver is connected to.</summary>
    public string? UpstreamHost { get; init; }

    public int? UpstreamPort { get; init; }

    /// <summary>On a primary: the application_name and state of each walsender (pg_stat_replication).</summary>
    public IReadOnlyList<(string ApplicationName, string State)> Senders { get; init; } = [];

    public bool Reachable => Error is null;

    /// <summary>"primary", "replica" or "down".</summary>
    public string Role => !Reachable ? "down" : InRecovery ? "replica" : "primary";
}
