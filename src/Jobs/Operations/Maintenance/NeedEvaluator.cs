using System.Globalization;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Decides from <see cref="TableStats"/> whether a table is over the <see cref="NeedThresholds"/>, and
/// estimates its bloat. Pure: no I/O, so every rule is unit-tested.
/// </summary>
public static class NeedEvaluator
{
    private const int PageHeaderBytes = 24;
    private const int TupleHeaderBytes = 23;
    private const int LinePointerBytes = 4;
    private const int MaxAlign = 8;

    public static NeedAssessment Assess(TableStats table, NeedThresholds thresholds, NeedKind kind)
    {
        var reasons = new List<string>(3);
        var wraparound = kind != NeedKind.Repack && table.XidAge >= thresholds.XidAgeThreshold;
        if (wraparound)
        {
            reasons.Add(Invariant($"xid age {table.XidAge:N0} ≥ xidAgeThreshold {thresholds.XidAgeThreshold:N0} (wraparound risk)"));
        }

        var rewrite = kind != NeedKind.Vacuum;
        var bigEnough = !rewrite || table.HeapBytes >= thresholds.MinSizeBytes;
        var live = table.LiveTuples ?? 0;
        var deadLimit = thresholds.MinDeadTuples + (thresholds.MinDeadTupleRatio * live);
        if (bigEnough && table.DeadTuples > 0 && table.DeadTuples >= deadLimit)
        {
            reasons.Add(Invariant(
                $"{table.DeadTuples:N0} dead tuples ≥ minDeadTuples {thresholds.MinDeadTuples:N0} + minDeadTupleRatio {thresholds.MinDeadTupleRatio} × {live:N0} live"));
        }

        var bloat = EstimateBloatRatio(table);
        if (rewrite && bigEnough && bloat is { } ratio && ratio >= thresholds.MinBloatRatio && ratio > 0)
        {
            reasons.Add(Invariant(
                $"estimated bloat {ratio * 100:0}% of a {ByteSize.Format(table.HeapBytes)} heap ≥ minBloatRatio {thresholds.MinBloatRatio * 100:0}%"));
        }

        return new NeedAssessment(reasons, wraparound, bloat is null ? null : Math.Round(bloat.Value, 3),
            bloat is null ? null : (long)(bloat.Value * table.TotalBytes));
    }

    /// <summary>
    /// The share of the heap a rewrite would give back. With pg_stats widths: the live rows packed at the
    /// table's fill factor; without them: the heap in proportion of live to all row versions; null when
    /// neither is known.
    /// </summary>
    public static double? EstimateBloatRatio(TableStats table)
    {
        if (table.HeapBytes <= 0)
        {
            return 0;
        }

        var pages = (double)table.HeapBytes / table.BlockSize;
        double expectedPages;
        if (table.LiveTuples is { } live && table.RowDataWidth is { } width)
        {
            var header = Align(TupleHeaderBytes + (table.HasNullableColumns ? 1 : 0));
            var tupleBytes = header + Align(width) + LinePointerBytes;
            var usable = (table.BlockSize - PageHeaderBytes) * table.FillFactor / 100.0;
            var perPage = Math.Max(1, Math.Floor(usable / tupleBytes));
            expectedPages = Math.Ceiling(live / perPage);
        }
        else if (table.LiveTuples is { } counted && counted + table.DeadTuples > 0)
        {
            expectedPages = Math.Ceiling(pages * counted / (counted + table.DeadTuples));
        }
        else
        {
            return null;
        }

        return Math.Clamp((pages - expectedPages) / pages, 0, 1);
    }

    /// <summary>Wraparound risks first (oldest first), then the most space to win, then the most dead tuples.</summary>
    public static IOrderedEnumerable<T> InPriorityOrder<T>(IEnumerable<T> items, Func<T, TableStats> stats, Func<T, NeedAssessment> need) =>
        items.OrderByDescending(i => need(i).WraparoundRisk)
            .ThenByDescending(i => need(i).WraparoundRisk ? stats(i).XidAge : 0)
            .ThenByDescending(i => need(i).EstimatedReclaimableBytes ?? 0)
            .ThenByDescending(i => stats(i).DeadTuples);

    private static double Align(double bytes) => Math.Ceiling(bytes / MaxAlign) * MaxAlign;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
