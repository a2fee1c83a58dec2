using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>What a vacuum did (or, in a dry run, would do): every table chosen, why, and what it changed.</summary>
public sealed record VacuumResult(
    string Target,
    bool Analyze,
    bool Freeze,
    bool Full,
    bool DryRun,
    IReadOnlyList<string> Databases,
    int TablesConsidered,
    IReadOnlyList<TableOutcome> Tables,
    double DurationMs)
{
    [JsonPropertyOrder(-5)]
    public int TablesVacuumed => Tables.Count(t => t.Status == OutcomeStatus.Done);

    [JsonPropertyOrder(-4)]
    public int TablesSkipped => Tables.Count(t => t.Status == OutcomeStatus.Skipped);

    [JsonPropertyOrder(-3)]
    public int TablesFailed => Tables.Count(t => t.Status == OutcomeStatus.Failed);

    [JsonPropertyOrder(-2)]
    public long DeadTuplesBefore => Tables.Sum(t => t.DeadTuplesBefore);

    [JsonPropertyOrder(-1)]
    public long BytesReclaimed => Tables.Sum(t => t.BytesReclaimed);

    public long EstimatedReclaimableBytes => Tables.Sum(t => t.EstimatedReclaimableBytes ?? 0);
}
