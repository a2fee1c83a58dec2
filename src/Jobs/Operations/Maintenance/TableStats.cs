namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>What the catalog and the statistics system say about one table, read in one query.</summary>
public sealed record TableStats
{
    public required uint Oid { get; init; }
    public required string Schema { get; init; }
    public required string Name { get; init; }

    /// <summary>Bytes of the main fork (the heap).</summary>
    public long HeapBytes { get; init; }

    /// <summary>Bytes of heap, indexes and TOAST together (pg_total_relation_size).</summary>
    public long TotalBytes { get; init; }

    /// <summary>Live tuples: n_live_tup when the statistics system counted any, else pg_class.reltuples; null when unknown.</summary>
    public double? LiveTuples { get; init; }

    public long DeadTuples { get; init; }

    /// <summary>age(relfrozenxid) of the table or of its TOAST table, whichever is older.</summary>
    public long XidAge { get; init; }

    public int FillFactor { get; init; } = 100;

    /// <summary>Average data bytes of a row from pg_stats; null when a column has no statistics.</summary>
    public double? RowDataWidth { get; init; }

    public bool HasNullableColumns { get; init; }

    /// <summary>A primary key or a valid, immediate, non-partial unique index on NOT NULL columns (what pg_repack needs).</summary>
    public bool HasRepackKey { get; init; }

    public int BlockSize { get; init; } = 8192;

    public Vacuum.TableRef Ref => new(Oid, Schema, Name);

    public string Display => $"{Schema}.{Name}";
}
