namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The busiest second for something.</summary>
public sealed class Peak
{
    public DateTime Time { get; init; }
    public long PerSecond { get; init; }
}
