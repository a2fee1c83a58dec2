namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The whole report: what was read and everything found in it. Its JSON form is documented in REPORT-SCHEMA.md.</summary>
public sealed class LogReportDocument
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public DateTimeOffset GeneratedAt { get; init; }
    public ReportInput Input { get; init; } = new();
    public ReportOverview Overview { get; init; } = new();
    public IReadOnlyList<NamedCount> QueryTypes { get; init; } = [];
    public IReadOnlyList<HistogramBin> QueryDurationHistogram { get; init; } = [];
    public IReadOnlyList<HistogramBin> SessionDurationHistogram { get; init; } = [];
    public ReportQueries Queries { get; init; } = new();
    public IReadOnlyList<ActivityRow> Databases { get; init; } = [];
    public IReadOnlyList<ActivityRow> Users { get; init; } = [];
    public IReadOnlyList<ActivityRow> Applications { get; init; } = [];
    public IReadOnlyList<ActivityRow> Clients { get; init; } = [];
    public ReportErrors Errors { get; init; } = new();
    public ReportLocks Locks { get; init; } = new();
    public ReportTempFiles TempFiles { get; init; } = new();
    public ReportCheckpoints Checkpoints { get; init; } = new();
    public ReportMaintenance Maintenance { get; init; } = new();
    public ReportTimeSeries TimeSeries { get; init; } = new();
}
