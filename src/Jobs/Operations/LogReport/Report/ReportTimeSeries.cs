namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Activity per time bucket (an hour unless asked otherwise).</summary>
public sealed class ReportTimeSeries
{
    public long BucketSeconds { get; init; }
    public IReadOnlyList<TimeBucket> Buckets { get; init; } = [];
}
