namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The activity of one database, user, application or client.</summary>
public sealed class ActivityRow
{
    public string Name { get; init; } = string.Empty;
    public long Queries { get; init; }
    public double DurationMs { get; init; }
    public long Connections { get; init; }
    public long Sessions { get; init; }
    public double SessionDurationMs { get; init; }
    public long Errors { get; init; }
}
