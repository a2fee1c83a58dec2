namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Autovacuum and autoanalyze (log_autovacuum_min_duration), per table.</summary>
public sealed class ReportMaintenance
{
    public long Autovacuums { get; init; }
    public long Autoanalyzes { get; init; }
    public IReadOnlyList<TableRow> Tables { get; init; } = [];
}
