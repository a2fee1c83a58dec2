namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>A finished restore: the running, promoted server and what it took to get there.</summary>
public sealed record RestoreOutcome(
    RestoredServer Server,
    string? BackupSet,
    long RestoredBytes,
    double RestoreMs,
    double RecoveryMs,
    ReachedPoint Reached,
    IReadOnlyList<string> Databases);
