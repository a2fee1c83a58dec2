namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Errors and warnings: by severity, by SQLSTATE and by normalized message.</summary>
public sealed class ReportErrors
{
    public long Total { get; init; }
    public IReadOnlyList<NamedCount> BySeverity { get; init; } = [];
    public IReadOnlyList<NamedCount> BySqlState { get; init; } = [];
    public IReadOnlyList<ErrorRow> Groups { get; init; } = [];
}
