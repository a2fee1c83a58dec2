namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Lock waits for one lock mode.</summary>
public sealed class LockRow
{
    public string Mode { get; init; } = string.Empty;
    public long Waits { get; init; }
    public long Acquired { get; init; }
    public double TotalWaitMs { get; init; }
    public double MaxWaitMs { get; init; }
}
