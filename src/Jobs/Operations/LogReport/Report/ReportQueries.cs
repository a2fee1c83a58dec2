namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The normalized queries that matter most, four ways, and the slowest single statements.</summary>
public sealed class ReportQueries
{
    public IReadOnlyList<QueryRow> ByTotalTime { get; init; } = [];
    public IReadOnlyList<QueryRow> ByAverageTime { get; init; } = [];
    public IReadOnlyList<QueryRow> ByCount { get; init; } = [];
    public IReadOnlyList<SlowQuery> Slowest { get; init; } = [];
}
