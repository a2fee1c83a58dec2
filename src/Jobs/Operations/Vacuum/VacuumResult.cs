using System.Text.Json.Serialization;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>What a vacuum did: every table, how long it took and what it changed.</summary>
public sealed record VacuumResult(
    bool Analyze,
    bool Freeze,
    bool Full,
    bool DryRun,
    IReadOnlyList<string> Databases,
    IReadOnlyList<VacuumedTable> Tables,
    double DurationMs)
{
    [JsonPropertyOrder(-3)]
    public int TablesVacuumed => DryRun ? 0 : Tables.Count;

    [JsonPropertyOrder(-2)]
    public long DeadTuplesBefore => Tables.Sum(t => t.DeadTuplesBefore);

    [JsonPropertyOrder(-1)]
    public long BytesReclaimed => Tables.Sum(t => Math.Max(0, t.SizeBeforeBytes - (t.SizeAfterBytes ?? t.SizeBeforeBytes)));
}

/// <summary>One table of a vacuum run.</summary>
public sealed record VacuumedTable(
    string Database,
    string Schema,
    string Table,
    long DeadTuplesBefore,
    long SizeBeforeBytes,
    long? SizeAfterBytes,
    double? DurationMs);
