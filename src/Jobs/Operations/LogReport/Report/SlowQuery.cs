namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One statement as it ran.</summary>
public sealed class SlowQuery
{
    public DateTime Time { get; init; }
    public double DurationMs { get; init; }
    public string Query { get; init; } = string.Empty;
    public string Database { get; init; } = string.Empty;
    public string User { get; init; } = string.Empty;
    public string Application { get; init; } = string.Empty;
    public string Client { get; init; } = string.Empty;
}
