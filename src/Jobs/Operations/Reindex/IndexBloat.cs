namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>
/// Estimates how much of a B-tree a rebuild would give back: the size of a freshly built index is
/// worked out from the number of entries, the key width and the fill factor (leaf pages, an inner
/// level and the meta page), and compared with the index's size now. Other access methods, and
/// B-trees whose key width is unknown, have no estimate. Deduplication (PostgreSQL 13+) makes fresh
/// indexes with many duplicates smaller than estimated, so the estimate errs on the low side.
/// </summary>
public static class IndexBloat
{
    private const int PageHeaderBytes = 24;
    private const int BtreeSpecialBytes = 16;
    private const int IndexTupleHeaderBytes = 8;
    private const int NullBitmapBytes = 4;
    private const int LinePointerBytes = 4;
    private const int MaxAlign = 8;

    /// <summary>The share of the index a rebuild would give back (0 to 1), or null when it cannot be estimated.</summary>
    public static double? EstimateRatio(IndexStats index)
    {
        if (index.AccessMethod != "btree" || index.KeyWidth is not { } width || index.Tuples is not { } tuples || index.SizeBytes <= 0)
        {
            return null;
        }

        var tupleBytes = Align(IndexTupleHeaderBytes + (index.HasNulls ? NullBitmapBytes : 0) + width) + LinePointerBytes;
        var usable = (index.BlockSize - PageHeaderBytes - BtreeSpecialBytes) * index.FillFactor / 100.0;
        var perLeaf = Math.Max(1, Math.Floor(usable / tupleBytes));
        var leaves = Math.Max(1, Math.Ceiling(tuples / perLeaf));
        var inner = leaves > 1 ? Math.Ceiling(leaves / perLeaf) : 0;
        var expectedPages = leaves + inner + 1;
        var pages = (double)index.SizeBytes / index.BlockSize;
        return Math.Clamp((pages - expectedPages) / pages, 0, 1);
    }

    private static double Align(double bytes) => Math.Ceiling(bytes / MaxAlign) * MaxAlign;
}
