using System.Text.Json.Serialization;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>One table of a vacuum or repack run: why it was chosen, what happened, and what it changed.</summary>
public sealed record TableOutcome
{
    public required string Database { get; init; }
    public required string Schema { get; init; }
    public required string Table { get; init; }
    public required OutcomeStatus Status { get; init; }

    /// <summary>Why the table was chosen (the thresholds it is over), or "chosen by name" / "target all".</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Why it was skipped or failed.</summary>
    public string? Detail { get; init; }

    public long DeadTuplesBefore { get; init; }
    public long SizeBeforeBytes { get; init; }
    public long? SizeAfterBytes { get; init; }
    public double? EstimatedBloatRatio { get; init; }
    public long? EstimatedReclaimableBytes { get; init; }
    public long XidAgeBefore { get; init; }
    public long? XidAgeAfter { get; init; }
    public double? DurationMs { get; init; }

    [JsonPropertyOrder(1)]
    public long BytesReclaimed => SizeAfterBytes is { } after ? Math.Max(0, SizeBeforeBytes - after) : 0;

    public static TableOutcome Planned(string database, TableStats stats, NeedAssessment need, IReadOnlyList<string> reasons) => new()
    {
        Database = database,
        Schema = stats.Schema,
        Table = stats.Name,
        Status = OutcomeStatus.Planned,
        Reasons = reasons,
        DeadTuplesBefore = stats.DeadTuples,
        SizeBeforeBytes = stats.TotalBytes,
        EstimatedBloatRatio = need.EstimatedBloatRatio,
        EstimatedReclaimableBytes = need.EstimatedReclaimableBytes,
        XidAgeBefore = stats.XidAge,
    };
}
