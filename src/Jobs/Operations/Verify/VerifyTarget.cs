namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>One relation a verify run checks: a table's heap, its TOAST table, or a B-tree index of either.</summary>
public sealed record VerifyTarget(string Database, uint Oid, string Schema, string Name, string Kind, string? Table, long SizeBytes)
{
    /// <summary>For a TOAST table or an index: the oid of the table it belongs to.</summary>
    public uint? TableOid { get; init; }

    public const string TableKind = "table";
    public const string ToastKind = "toast";
    public const string IndexKind = "index";

    public const string HeapCheck = "verify_heapam";
    public const string BtreeCheck = "bt_index_check";

    /// <summary>The amcheck function that checks it.</summary>
    public string Check => Kind == IndexKind ? BtreeCheck : HeapCheck;

    public string Display => $"{Schema}.{Name}";

    public VerifiedRelation ToPlanned() => new()
    {
        Database = Database,
        Schema = Schema,
        Relation = Name,
        Kind = Kind,
        Table = Table,
        Check = Check,
        Status = Maintenance.OutcomeStatus.Planned,
        SizeBytes = SizeBytes,
    };
}
