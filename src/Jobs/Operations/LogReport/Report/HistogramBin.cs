namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One bin of a duration histogram: [FromMs, ToMs).</summary>
public sealed class HistogramBin
{
    public double FromMs { get; init; }
    public double? ToMs { get; init; }
    public long Count { get; init; }
}
