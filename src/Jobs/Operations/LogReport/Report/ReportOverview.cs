namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The headline figures.</summary>
public sealed class ReportOverview
{
    public DateTime? FirstEntry { get; init; }
    public DateTime? LastEntry { get; init; }
    public DateTime? FirstQuery { get; init; }
    public DateTime? LastQuery { get; init; }
    public long Queries { get; init; }
    public long TimedQueries { get; init; }
    public long DistinctQueries { get; init; }
    public double QueryDurationMs { get; init; }
    public double AverageQueryMs { get; init; }
    public long Prepares { get; init; }
    public double PrepareDurationMs { get; init; }
    public long Binds { get; init; }
    public double BindDurationMs { get; init; }
    public long Errors { get; init; }
    public long ErrorGroups { get; init; }
    public long Connections { get; init; }
    public long Sessions { get; init; }
    public double SessionDurationMs { get; init; }
    public double AverageSessionMs { get; init; }
    public long Deadlocks { get; init; }
    public long CancelledQueries { get; init; }
    public long LockWaits { get; init; }
    public long TempFiles { get; init; }
    public long TempBytes { get; init; }
    public long Checkpoints { get; init; }
    public long Autovacuums { get; init; }
    public long Autoanalyzes { get; init; }
    public Peak? PeakQueries { get; init; }
    public Peak? PeakConnections { get; init; }
    public Peak? PeakErrors { get; init; }
}
