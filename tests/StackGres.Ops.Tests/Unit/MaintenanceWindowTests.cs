using StackGres.Ops.Worker.Scheduling.Windows;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class MaintenanceWindowTests
{
    private static readonly TimeZoneInfo Madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");

    private static MaintenanceWindow Nightly(string cron = "30 2 * * *") => new("nightly", cron, TimeSpan.FromHours(1), Madrid);

    [Fact]
    public void OpeningsAfter_RunsOnce_OnASpringForwardDay()
    {
        // 2026-03-29: clocks jump from 02:00 to 03:00 in Madrid, so 02:30 does not exist that night.
        var openings = Nightly().OpeningsAfter(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero)).Take(2).ToArray();

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), openings[0].OpensAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 2, 30, 0, TimeSpan.FromHours(2)), openings[1].OpensAt);
    }

    [Fact]
    public void OpeningsAfter_RunsOnceNotTwice_OnAFallBackDay()
    {
        // 2026-10-25: 02:00-03:00 happens twice in Madrid; the window opens only the first time.
        var openings = Nightly().OpeningsAfter(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero)).Take(2).ToArray();

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)), openings[0].OpensAt);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 2, 30, 0, TimeSpan.FromHours(1)), openings[1].OpensAt);
    }

    [Fact]
    public void OpenAt_FindsTheOccurrenceThatIsOpen_AndNothingAfterItCloses()
    {
        var window = Nightly();
        var opens = new DateTimeOffset(2026, 11, 25, 2, 30, 0, TimeSpan.FromHours(1));

        Assert.Equal(opens, window.OpenAt(opens.AddMinutes(59))?.OpensAt);
        Assert.Equal(opens.AddHours(1), window.OpenAt(opens)?.ClosesAt);
        Assert.Null(window.OpenAt(opens.AddHours(1)));
        Assert.Null(window.OpenAt(opens.AddSeconds(-1)));
    }

    [Fact]
    public void Parse_AcceptsSixFieldsWithSeconds()
    {
        var window = new MaintenanceWindow("w", "15 30 2 * * *", TimeSpan.FromMinutes(5), TimeZoneInfo.Utc);

        var next = window.OpeningsAfter(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).First();

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 2, 30, 15, TimeSpan.Zero), next.OpensAt);
    }

    [Fact]
    public void StartOffset_SpreadsAThousandClustersOverTheSpread_TheSameOnEveryCall()
    {
        var window = new MaintenanceWindow("nightly", "0 2 * * *", TimeSpan.FromHours(2), TimeZoneInfo.Utc, TimeSpan.FromMinutes(10));
        var clusters = Enumerable.Range(0, 1000).Select(i => $"cluster-{i:0000}").ToArray();

        var offsets = clusters.Select(window.StartOffset).ToArray();

        Assert.All(offsets, o => Assert.InRange(o, TimeSpan.Zero, TimeSpan.FromSeconds(599)));
        Assert.All(offsets, o => Assert.Equal(0, o.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(offsets, clusters.Select(new MaintenanceWindow("nightly", "0 2 * * *", TimeSpan.FromHours(2), TimeZoneInfo.Utc, TimeSpan.FromMinutes(10)).StartOffset));
        // Each minute of the spread gets about a tenth of the clusters (100 expected; a fair hash stays within 60 to 140).
        var perMinute = offsets.GroupBy(o => (int)o.TotalMinutes).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, perMinute.Count);
        Assert.All(perMinute.Values, count => Assert.InRange(count, 60, 140));
        Assert.Equal(TimeSpan.Zero, new MaintenanceWindow("w", "0 2 * * *", TimeSpan.FromHours(1), TimeZoneInfo.Utc).StartOffset("any"));
    }
}
