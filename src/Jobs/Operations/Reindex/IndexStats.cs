namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>What the catalog and pg_stats say about one index, for choosing and estimating.</summary>
public sealed record IndexStats
{
    public required uint Oid { get; init; }
    public required string Schema { get; init; }
    public required string Name { get; init; }
    public required string Table { get; init; }
    public uint TableOid { get; init; }
    public required string AccessMethod { get; init; }
    public bool IsValid { get; init; } = true;
    public long SizeBytes { get; init; }

    /// <summary>Entries the index should hold: the table's live tuples, or the index's reltuples when partial; null if unknown.</summary>
    public double? Tuples { get; init; }

    /// <summary>Average bytes of the key (and INCLUDE) columns, from pg_stats or fixed type lengths; null when unknown.</summary>
    public double? KeyWidth { get; init; }

    public bool HasNulls { get; init; }
    public int FillFactor { get; init; } = 90;
    public int BlockSize { get; init; } = 8192;
    public uint FileNode { get; init; }

    public string Quoted => Sql.Identifier.Quote(Schema, Name);

    public string Display => $"{Schema}.{Name}";
}
