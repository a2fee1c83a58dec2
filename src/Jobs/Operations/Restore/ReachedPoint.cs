namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// Where recovery actually stopped: the commit time of the last transaction it replayed
/// (pg_last_xact_replay_timestamp; none when no transaction was replayed after the backup), the commit time of
/// the first transaction it did not apply (from the server's "recovery stopping before commit" line, when a
/// target stopped it), the last replayed WAL position, the timeline the promoted server writes on, and the
/// server's own recovery log lines.
/// </summary>
public sealed record ReachedPoint(
    DateTimeOffset? LastTransactionAt,
    DateTimeOffset? StoppedBeforeTransactionAt,
    string? ReplayLsn,
    int Timeline,
    IReadOnlyList<string> RecoveryLog);
