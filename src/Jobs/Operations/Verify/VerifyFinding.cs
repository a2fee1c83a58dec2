namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// One problem amcheck reported: where (database, relation, block, offset, attribute) and what it said. The block and
/// offset are those of <see cref="BlockOf"/>: for <c>verify_heapam</c> the heap tuple's (the attribute when one column is at
/// fault); for <c>bt_index_check</c> the index tuple's or page's when the message names one, else the table's heap
/// tuple it names (heapallindexed), or the page of whichever file a read error names.
/// </summary>
public sealed record VerifyFinding
{
    public required string Database { get; init; }

    /// <summary><c>verify_heapam</c> or <c>bt_index_check</c>.</summary>
    public required string Check { get; init; }

    /// <summary>The relation checked, <c>schema.name</c>.</summary>
    public required string Object { get; init; }

    /// <summary>For a TOAST table or an index: its table, <c>schema.name</c>.</summary>
    public string? Table { get; init; }

    public long? Block { get; init; }
    public int? Offset { get; init; }
    public int? Attribute { get; init; }

    /// <summary>The relation (<c>schema.name</c>) the block belongs to, when the block is known.</summary>
    public string? BlockOf { get; init; }

    public required string Message { get; init; }
    public string? Detail { get; init; }

    /// <summary>The SQLSTATE of the error the check raised (XX001 data corrupted, XX002 index corrupted); none for verify_heapam's rows.</summary>
    public string? SqlState { get; init; }
}
