using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Reindex;
using StackGres.Ops.Jobs.Operations.Repack;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class NeedEvaluatorTests
{
    private static TableStats Table(long heapBytes, double? live, long dead, long xidAge = 100, double? width = null) => new()
    {
        Oid = 1,
        Schema = "public",
        Name = "t",
        HeapBytes = heapBytes,
        TotalBytes = heapBytes * 2,
        LiveTuples = live,
        DeadTuples = dead,
        XidAge = xidAge,
        RowDataWidth = width,
    };

    [Fact]
    public void Assess_ChoosesDeadTuples_LikeAutovacuum()
    {
        var thresholds = NeedThresholds.Default;
        Assert.False(NeedEvaluator.Assess(Table(8192, 1000, 249), thresholds, NeedKind.Vacuum).Needed);
        Assert.True(NeedEvaluator.Assess(Table(8192, 1000, 250), thresholds, NeedKind.Vacuum).Needed);
    }

    [Fact]
    public void Assess_PutsWraparoundFirst_AndNeverForRepack()
    {
        var old = Table(8192, 10, 0, xidAge: 200_000_000);
        var need = NeedEvaluator.Assess(old, NeedThresholds.Default, NeedKind.Vacuum);
        Assert.True(need.WraparoundRisk);
        Assert.False(NeedEvaluator.Assess(old, NeedThresholds.Default, NeedKind.Repack).Needed);
    }

    [Fact]
    public void EstimateBloatRatio_UsesTheLiveShare_WithoutStatistics()
    {
        var ratio = NeedEvaluator.EstimateBloatRatio(Table(100 * 8192, 10_000, 90_000));
        Assert.InRange(ratio!.Value, 0.89, 0.91);
        Assert.Null(NeedEvaluator.EstimateBloatRatio(Table(8192, null, 0)));
    }

    [Fact]
    public void EstimateBloatRatio_UsesRowWidths_WhenAnalyzed()
    {
        // 1,000 rows of 40 data bytes (24 header + 40 + 4 line pointer = 68 bytes, 120 a page): 9 pages needed.
        Assert.Equal(0, NeedEvaluator.EstimateBloatRatio(Table(9 * 8192, 1_000, 0, width: 40)));
        Assert.InRange(NeedEvaluator.EstimateBloatRatio(Table(90 * 8192, 1_000, 0, width: 40))!.Value, 0.89, 0.91);
    }

    [Fact]
    public void Assess_IgnoresSmallTables_ForRewrites()
    {
        var small = Table(64 * 1024, 10, 1_000);
        Assert.False(NeedEvaluator.Assess(small, NeedThresholds.Default, NeedKind.VacuumFull).Needed);
        Assert.True(NeedEvaluator.Assess(small, NeedThresholds.Default, NeedKind.Vacuum).Needed);
    }

    [Fact]
    public void IndexBloat_EstimatesBtrees_Only()
    {
        var fresh = new IndexStats
        {
            Oid = 1, Schema = "s", Name = "i", Table = "t", AccessMethod = "btree",
            SizeBytes = 30 * 8192, Tuples = 10_000, KeyWidth = 4,
        };
        Assert.InRange(IndexBloat.EstimateRatio(fresh)!.Value, 0, 0.1);
        Assert.InRange(IndexBloat.EstimateRatio(fresh with { SizeBytes = 300 * 8192 })!.Value, 0.85, 0.95);
        Assert.Null(IndexBloat.EstimateRatio(fresh with { AccessMethod = "gin" }));
        Assert.Null(IndexBloat.EstimateRatio(fresh with { KeyWidth = null }));
    }

    [Theory]
    [InlineData("5s", true)]
    [InlineData("500ms", true)]
    [InlineData("0", true)]
    [InlineData("10 min", true)]
    [InlineData("5s; DROP TABLE t", false)]
    [InlineData("-1", false)]
    [InlineData("five", false)]
    public void PgDuration_AcceptsOnlyPostgresDurations(string value, bool valid) => Assert.Equal(valid, PgDuration.IsValid(value));

    [Theory]
    [InlineData("app", "'app'")]
    [InlineData("my db", "'my db'")]
    [InlineData("it's \\ x", "'it\\'s \\\\ x'")]
    public void ConnectionStringValue_QuotesForLibpq(string value, string expected) => Assert.Equal(expected, ConnectionStringValue.Quote(value));
}
