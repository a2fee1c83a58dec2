using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>What a repack did (or, in a dry run, would do), and what it cleaned after itself.</summary>
public sealed record RepackResult(
    string Target,
    bool DryRun,
    IReadOnlyList<string> Databases,
    int TablesConsidered,
    IReadOnlyList<TableOutcome> Tables,
    IReadOnlyList<string> DebrisCleaned,
    double DurationMs)
{
    [JsonPropertyOrder(-4)]
    public int TablesRepacked => Tables.Count(t => t.Status == OutcomeStatus.Done);

    [JsonPropertyOrder(-3)]
    public int TablesSkipped => Tables.Count(t => t.Status == OutcomeStatus.Skipped);

    [JsonPropertyOrder(-2)]
    public int TablesFailed => Tables.Count(t => t.Status == OutcomeStatus.Failed);

    [JsonPropertyOrder(-1)]
    public long BytesReclaimed => Tables.Sum(t => t.BytesReclaimed);

    public long EstimatedReclaimableBytes => Tables.Where(t => t.Status != OutcomeStatus.Skipped).Sum(t => t.EstimatedReclaimableBytes ?? 0);
}
