namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Autovacuum and autoanalyze of one table (database.schema.table).</summary>
public sealed class TableRow
{
    public string Table { get; init; } = string.Empty;
    public long Vacuums { get; init; }
    public long Analyzes { get; init; }
    public long IndexScans { get; init; }
    public long PagesRemoved { get; init; }
    public long TuplesRemoved { get; init; }
    public long TuplesRemaining { get; init; }
    public double MaxElapsedSeconds { get; init; }
}
