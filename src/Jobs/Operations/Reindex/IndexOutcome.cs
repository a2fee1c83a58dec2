using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>One index of a reindex run: why it was chosen and what the rebuild changed.</summary>
public sealed record IndexOutcome
{
    public required string Database { get; init; }
    public required string Schema { get; init; }
    public required string Index { get; init; }
    public required string Table { get; init; }
    public required OutcomeStatus Status { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public string? Detail { get; init; }
    public bool ValidBefore { get; init; }
    public bool? ValidAfter { get; init; }
    public long SizeBeforeBytes { get; init; }
    public long? SizeAfterBytes { get; init; }
    public double? EstimatedBloatRatio { get; init; }
    public uint FileNodeBefore { get; init; }
    public uint? FileNodeAfter { get; init; }
    public double? DurationMs { get; init; }

    [JsonPropertyOrder(1)]
    public long BytesReclaimed => SizeAfterBytes is { } after ? Math.Max(0, SizeBeforeBytes - after) : 0;
}
