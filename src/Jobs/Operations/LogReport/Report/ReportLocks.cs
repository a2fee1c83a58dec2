namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Lock waits (log_lock_waits) and deadlocks.</summary>
public sealed class ReportLocks
{
    public long Waits { get; init; }
    public long Acquired { get; init; }
    public long Deadlocks { get; init; }
    public IReadOnlyList<LockRow> ByMode { get; init; } = [];
}
