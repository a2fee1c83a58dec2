namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One normalized query with its figures and its slowest run as an example.</summary>
public sealed class QueryRow
{
    public string Query { get; init; } = string.Empty;
    public long Count { get; init; }
    public double TotalMs { get; init; }
    public double AverageMs { get; init; }
    public double MinMs { get; init; }
    public double MaxMs { get; init; }
    public double PercentOfTime { get; init; }
    public SlowQuery? Example { get; init; }
}
