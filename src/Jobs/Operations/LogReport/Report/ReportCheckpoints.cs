namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Checkpoints and restartpoints (log_checkpoints).</summary>
public sealed class ReportCheckpoints
{
    public long Count { get; init; }
    public long Buffers { get; init; }
    public long WalFilesAdded { get; init; }
    public long WalFilesRemoved { get; init; }
    public long WalFilesRecycled { get; init; }
    public double WriteSeconds { get; init; }
    public double SyncSeconds { get; init; }
    public double TotalSeconds { get; init; }
    public double MaxWriteSeconds { get; init; }
    public double MaxSyncSeconds { get; init; }
    public double MaxTotalSeconds { get; init; }
    public long DistanceKb { get; init; }
    public long MaxDistanceKb { get; init; }
    public long MaxEstimateKb { get; init; }
    public long Warnings { get; init; }
    public IReadOnlyList<NamedCount> Reasons { get; init; } = [];
}
