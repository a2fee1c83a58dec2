namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>What happened in one bucket, which starts at Start.</summary>
public sealed class TimeBucket
{
    public DateTime Start { get; init; }
    public long Queries { get; init; }
    public double DurationMs { get; init; }
    public double AverageMs { get; init; }
    public long Selects { get; init; }
    public long Writes { get; init; }
    public long Errors { get; init; }
    public long Connections { get; init; }
    public long Sessions { get; init; }
    public long TempFiles { get; init; }
    public long TempBytes { get; init; }
    public long Checkpoints { get; init; }
    public long CheckpointBuffers { get; init; }
    public long Autovacuums { get; init; }
    public long Autoanalyzes { get; init; }
    public long LockWaits { get; init; }
}
