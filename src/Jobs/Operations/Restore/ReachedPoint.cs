namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// Where recovery actually stopped: the commit time of the last transaction it replayed
/// (pg_last_xact_replay_timestamp), the last replayed WAL position, the timeline the promoted server
/// writes on, and the server's own recovery log lines ("recovery stopping before commit ...").
/// </summary>
public sealed record ReachedPoint(
    DateTimeOffset? LastTransactionAt,
    string? ReplayLsn,
    int Timeline,
    IReadOnlyList<string> RecoveryLog);
