using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>One relation of a verify run: what was checked, how it went, and how many problems amcheck reported.</summary>
public sealed record VerifiedRelation
{
    public required string Database { get; init; }
    public required string Schema { get; init; }
    public required string Relation { get; init; }

    /// <summary><c>table</c>, <c>toast</c> or <c>index</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For a TOAST table or an index: the table it belongs to (<c>schema.name</c>).</summary>
    public string? Table { get; init; }

    /// <summary><c>verify_heapam</c> or <c>bt_index_check</c>.</summary>
    public required string Check { get; init; }

    /// <summary>done (checked, whatever it found), skipped (lock or statement timeout, dropped), failed, or planned in a dry run.</summary>
    public required OutcomeStatus Status { get; init; }

    public long SizeBytes { get; init; }

    /// <summary>How many problems amcheck reported (verify_heapam's rows; bt_index_check stops at its first).</summary>
    public int Problems { get; init; }

    /// <summary>Why it was skipped or failed.</summary>
    public string? Detail { get; init; }

    public double? DurationMs { get; init; }
}
