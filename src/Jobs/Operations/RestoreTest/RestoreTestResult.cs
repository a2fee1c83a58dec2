using StackGres.Ops.Jobs.Operations.Restore;

namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>The proof that a backup restores: which set, the point reached, row counts and amcheck findings.</summary>
public sealed record RestoreTestResult(
    string Stanza,
    string? BackupSet,
    bool Passed,
    ReachedPoint Reached,
    IReadOnlyList<string> Databases,
    IReadOnlyList<TableCount> TableCounts,
    AmcheckSummary Amcheck,
    long RestoredBytes,
    double RestoreMs,
    double RecoveryMs,
    double DurationMs);
