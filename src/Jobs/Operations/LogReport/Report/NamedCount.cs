namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>A name and how often it was seen.</summary>
public sealed class NamedCount
{
    public string Name { get; init; } = string.Empty;
    public long Count { get; init; }
    public double Percent { get; init; }
}
