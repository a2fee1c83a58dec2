namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Temporary files (log_temp_files) and the queries that wrote them.</summary>
public sealed class ReportTempFiles
{
    public long Count { get; init; }
    public long Bytes { get; init; }
    public long MaxBytes { get; init; }
    public IReadOnlyList<TempFileRow> Queries { get; init; } = [];
}
