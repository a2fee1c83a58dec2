namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>What the aggregation keeps: the time window, the bucket of the time series and how many top entries.</summary>
internal sealed record AggregatorOptions(long From, long To, long BucketSeconds, int Top)
{
    public static AggregatorOptions Default { get; } = new(long.MinValue, long.MaxValue, 3600, 20);
}
