using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Runs.Fleet;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class HeavyRunLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private static HeavyRunLine Line(int? fleet = null, int? perZone = null) => new(new FleetOptions
    {
        MaxConcurrentHeavyRuns = fleet,
        MaxConcurrentHeavyRunsPerLabel = perZone is { } zone ? new() { ["zone"] = zone } : [],
    });

    private static HeavyRunEntry Entry(int n, string cluster, string? zone = null, bool admitted = false, DateTimeOffset? deadline = null, bool cancelled = false) =>
        new(new Guid(n, 0, 0, new byte[8]), cluster, zone is null ? new Dictionary<string, string>() : new() { ["zone"] = zone },
            Now.AddSeconds(n), deadline, $"job-{n}", admitted ? Now : null, null, admitted ? Now : null, cancelled);

    [Fact]
    public void Plan_AdmitsOldestFirst_UpToTheFleetLimit()
    {
        var plan = Line(fleet: 2).Plan([Entry(3, "c3"), Entry(1, "c1"), Entry(2, "c2"), Entry(4, "c4")], Now);

        Assert.Equal([Entry(1, "c1").RunId, Entry(2, "c2").RunId], plan.Admit);
        Assert.Contains("limit of 2 heavy runs at once", plan.WaitReasons[Entry(3, "c3").RunId]);
        Assert.Equal(2, plan.Held);
    }

    [Fact]
    public void Plan_CountsPlacesHeld_AndKeepsOneHeavyRunPerCluster()
    {
        var plan = Line(fleet: 3).Plan([Entry(1, "c1", admitted: true), Entry(2, "c1"), Entry(3, "c2")], Now);

        Assert.Equal([Entry(3, "c2").RunId], plan.Admit);
        Assert.Equal("another heavy operation is running on cluster 'c1'", plan.WaitReasons[Entry(2, "c1").RunId]);
    }

    [Fact]
    public void Plan_DoesNotLetARunInAFullZoneHoldBackYoungerRunsElsewhere()
    {
        var plan = Line(fleet: 3, perZone: 1).Plan(
            [Entry(1, "a1", "a", admitted: true), Entry(2, "a2", "a"), Entry(3, "b1", "b"), Entry(4, "b2", "b"), Entry(5, "x"), Entry(6, "y")], Now);

        Assert.Equal([Entry(3, "b1").RunId, Entry(5, "x").RunId], plan.Admit);
        Assert.Contains("clusters with zone=a", plan.WaitReasons[Entry(2, "a2").RunId]);
        Assert.Contains("clusters with zone=b", plan.WaitReasons[Entry(4, "b2").RunId]);
        Assert.Contains("limit of 3 heavy runs at once", plan.WaitReasons[Entry(6, "y").RunId]);
    }

    [Fact]
    public void Plan_NeverAdmitsARunWhoseWindowClosedOrThatWasCancelled()
    {
        var plan = Line().Plan([Entry(1, "c1", deadline: Now), Entry(2, "c2", cancelled: true), Entry(3, "c3", deadline: Now.AddMinutes(1))], Now);

        Assert.Equal([Entry(3, "c3").RunId], plan.Admit);
        Assert.Equal("its window has closed", plan.WaitReasons[Entry(1, "c1").RunId]);
        Assert.Equal("a cancel was asked", plan.WaitReasons[Entry(2, "c2").RunId]);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(30, 60)]
    [InlineData(90, 90)]
    [InlineData(240, 240)]
    [InlineData(3600, 600)]
    public void WakeFallback_GrowsWithTheWait_BetweenOnceAndTenTimesTheSetting(int waitedSeconds, int fallbackSeconds)
    {
        var options = new FleetOptions { WakeFallback = TimeSpan.FromMinutes(1) };

        Assert.Equal(TimeSpan.FromSeconds(fallbackSeconds), options.WakeFallbackAfter(TimeSpan.FromSeconds(waitedSeconds)));
    }
}
