using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>What a reindex did (or, in a dry run, would do).</summary>
public sealed record ReindexResult(
    string Target,
    bool DryRun,
    IReadOnlyList<string> Databases,
    int IndexesConsidered,
    IReadOnlyList<IndexOutcome> Indexes,
    IReadOnlyList<string> LeftoversDropped,
    double DurationMs)
{
    [JsonPropertyOrder(-4)]
    public int IndexesRebuilt => Indexes.Count(i => i.Status == OutcomeStatus.Done);

    [JsonPropertyOrder(-3)]
    public int IndexesSkipped => Indexes.Count(i => i.Status == OutcomeStatus.Skipped);

    [JsonPropertyOrder(-2)]
    public int IndexesFailed => Indexes.Count(i => i.Status == OutcomeStatus.Failed);

    [JsonPropertyOrder(-1)]
    public long BytesReclaimed => Indexes.Sum(i => i.BytesReclaimed);
}
