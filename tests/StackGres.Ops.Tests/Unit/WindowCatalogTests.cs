using Microsoft.Extensions.Configuration;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Scheduling.Windows;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class WindowCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static (WindowCatalog Catalog, List<string> Failures) Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var windows = configuration.GetSection(WindowsOptions.SectionName).Get<WindowsOptions>() ?? new WindowsOptions();
        var clusters = new ClustersOptions
        {
            ["a"] = new ClusterDefinition { Host = "h", Labels = { ["env"] = "prod" } },
            ["b"] = new ClusterDefinition { Host = "h", Labels = { ["env"] = "test" } },
        };
        var failures = new List<string>();
        var catalog = WindowCatalog.Build(windows, configuration, OperationCatalog.CreateDefault(), clusters, Now, failures);
        return (catalog, failures);
    }

    private static (string, string)[] Window(string name, string cron = "0 2 * * *", string duration = "01:00:00", string zone = "UTC",
        string cluster = "a") =>
    [
        ($"Ops:Windows:{name}:Cron", cron),
        ($"Ops:Windows:{name}:Duration", duration),
        ($"Ops:Windows:{name}:TimeZone", zone),
        ($"Ops:Windows:{name}:Clusters:0", cluster),
        ($"Ops:Windows:{name}:Operations:0:Operation", "vacuum"),
    ];

    [Fact]
    public void Build_ResolvesStepsWithTypedParameters()
    {
        var (catalog, failures) = Build([
            .. Window("nightly"),
            ("Ops:Windows:nightly:Operations:0:Parameters:analyze", "true"),
            ("Ops:Windows:nightly:Operations:0:Parameters:tables", "t1, public.t2"),
        ]);

        Assert.Empty(failures);
        Assert.True(catalog.TryGet("nightly", out var window));
        var step = Assert.Single(window.Steps);
        Assert.Equal("""{"analyze":true,"tables":["t1","public.t2"]}""", step.Parameters.GetRawText());
        Assert.Equal(["a"], window.Clusters);
        Assert.Equal("window:nightly:a", window.RecurringJobId("a"));
    }

    [Fact]
    public void Build_ReadsNumberParameters_AndRefusesOneThatIsNotANumber()
    {
        var (catalog, failures) = Build([.. Window("w"), ("Ops:Windows:w:Operations:1:Operation", "health-check"),
            ("Ops:Windows:w:Operations:1:Parameters:bloatMinSizeMb", "0.5")]);
        var (_, refused) = Build([.. Window("w"), ("Ops:Windows:w:Operations:1:Operation", "health-check"),
            ("Ops:Windows:w:Operations:1:Parameters:bloatMinSizeMb", "half")]);

        Assert.Empty(failures);
        Assert.True(catalog.TryGet("w", out var window));
        Assert.Equal("""{"bloatMinSizeMb":0.5}""", window.Steps[1].Parameters.GetRawText());
        Assert.Contains("Ops:Windows:w:Operations:1:Parameters:bloatMinSizeMb must be a number.", refused);
    }

    [Fact]
    public void Build_SelectsClustersByLabels()
    {
        var (catalog, failures) = Build([
            ("Ops:Windows:prod:Cron", "0 2 * * *"),
            ("Ops:Windows:prod:Duration", "01:00:00"),
            ("Ops:Windows:prod:ClusterSelector:env", "prod"),
            ("Ops:Windows:prod:Operations:0:Operation", "vacuum"),
        ]);

        Assert.Empty(failures);
        Assert.Equal(["prod"], catalog.ForCluster("a").Select(w => w.Name));
        Assert.Empty(catalog.ForCluster("b"));
    }

    [Theory]
    [InlineData("Cron", "61 * * * *", "Ops:Windows:w:Cron '61 * * * *' is not a valid cron expression")]
    [InlineData("TimeZone", "Mars/Olympus", "Ops:Windows:w:TimeZone 'Mars/Olympus' is not a known IANA time zone")]
    [InlineData("Duration", "00:00:00", "Ops:Windows:w:Duration must be more than zero and at most 24:00:00")]
    [InlineData("Duration", "1.00:00:01", "Ops:Windows:w:Duration must be more than zero and at most 24:00:00")]
    [InlineData("Clusters:0", "nope", "Ops:Windows:w:Clusters names 'nope', which is not in Ops:Clusters.")]
    [InlineData("Operations:0:Operation", "vacuun", "Ops:Windows:w:Operations:0:Operation 'vacuun' is unknown.")]
    [InlineData("Operations:0:Parameters:analyze", "yes", "Ops:Windows:w:Operations:0:Parameters:analyze must be a boolean")]
    [InlineData("Operations:0:Parameters:analyse", "true", "Ops:Windows:w:Operations:0:Parameters:analyse: unknown parameter of 'vacuum'")]
    public void Build_NamesTheWindowAndTheField_WhenAValueIsBad(string field, string value, string expected)
    {
        var settings = Window("w").Where(s => s.Item1 != $"Ops:Windows:w:{field}").Append(($"Ops:Windows:w:{field}", value)).ToArray();

        var (_, failures) = Build(settings);

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Refuses_TwoWindowsOfOneClusterThatOverlap()
    {
        var (_, failures) = Build([.. Window("early", cron: "0 1 * * *", duration: "02:00:00"), .. Window("late", cron: "30 2 * * *")]);

        var failure = Assert.Single(failures);
        Assert.StartsWith("Ops:Windows:late overlaps window 'early' on cluster 'a'", failure);
    }

    [Fact]
    public void Build_Accepts_WindowsThatTouchOrBelongToOtherClusters()
    {
        var (_, touching) = Build([.. Window("early", cron: "0 1 * * *"), .. Window("late", cron: "0 2 * * *")]);
        var (_, elsewhere) = Build([.. Window("early", cron: "0 1 * * *", duration: "03:00:00"), .. Window("late", cron: "0 2 * * *", cluster: "b")]);

        Assert.Empty(touching);
        Assert.Empty(elsewhere);
    }

    [Fact]
    public void Build_Refuses_AWindowLongerThanTheTimeBetweenItsOpenings()
    {
        var (_, failures) = Build(Window("hourly", cron: "0 * * * *", duration: "02:00:00"));

        Assert.Contains(failures, f => f.StartsWith("Ops:Windows:hourly:Duration 02:00:00 is longer than the time between two openings", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Refuses_OverlapsAcrossTimeZones()
    {
        // 02:00 in Madrid is 01:00 UTC in winter: the two windows meet at the same instant.
        var (_, failures) = Build([.. Window("madrid", cron: "0 2 * * *", zone: "Europe/Madrid"), .. Window("utc", cron: "30 1 * * *")]);

        Assert.Single(failures);
    }

    [Fact]
    public void NextOpenings_MergesTheWindowsOfACluster()
    {
        var (catalog, failures) = Build([.. Window("one", cron: "0 1 * * *"), .. Window("two", cron: "0 3 * * *")]);

        Assert.Empty(failures);
        var next = catalog.NextOpenings("a", Now, 5);
        Assert.Equal(["one", "two", "one", "two", "one"], next.Select(o => o.Window));
        Assert.True(next.Zip(next.Skip(1)).All(p => p.First.OpensAt < p.Second.OpensAt));
    }

    /// <summary>The README's backup schedule: a weekly full on Sundays and a daily differential on the other days, same hour.</summary>
    private static (string, string)[] BackupWindow(string name, string days, string duration, string type) =>
    [
        ($"Ops:Windows:{name}:Cron", $"0 1 * * {days}"),
        ($"Ops:Windows:{name}:Duration", duration),
        ($"Ops:Windows:{name}:TimeZone", "Europe/Madrid"),
        ($"Ops:Windows:{name}:Clusters:0", "a"),
        ($"Ops:Windows:{name}:Operations:0:Operation", "backup"),
        ($"Ops:Windows:{name}:Operations:0:Parameters:type", type),
        ($"Ops:Windows:{name}:Operations:1:Operation", "restore-test"),
    ];

    [Fact]
    public void Build_AcceptsAWeeklyFullAndADailyDifferential_OnDifferentDays_AndRefusesTheDailyOneOnSundaysToo()
    {
        var (catalog, failures) = Build([.. BackupWindow("weekly-full", "0", "04:00:00", "full"), .. BackupWindow("daily-diff", "1-6", "02:00:00", "diff")]);

        Assert.Empty(failures);
        var madrid = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        Assert.Equal(DayOfWeek.Sunday, TimeZoneInfo.ConvertTime(catalog.NextOpenings("a", Now, 7).First(o => o.Window == "weekly-full").OpensAt, madrid).DayOfWeek);
        Assert.Equal(6, catalog.NextOpenings("a", Now, 7).Count(o => o.Window == "daily-diff"));

        var (_, clash) = Build([.. BackupWindow("weekly-full", "0", "04:00:00", "full"), .. BackupWindow("daily-diff", "*", "02:00:00", "diff")]);
        Assert.Contains(clash, f => f.Contains("overlaps window", StringComparison.Ordinal) && f.Contains("weekly-full", StringComparison.Ordinal)
                                    && f.Contains("daily-diff", StringComparison.Ordinal));
    }
}
