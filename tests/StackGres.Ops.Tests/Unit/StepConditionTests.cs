using Microsoft.Extensions.Configuration;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Scheduling.Findings;
using StackGres.Ops.Worker.Scheduling.Windows;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>A window step's <c>When</c> and <c>Targets</c>, read and checked at start-up.</summary>
public sealed class StepConditionTests
{
    private const string Step = "Ops:Windows:w:Operations:0";

    private static (WindowStep? Step, List<string> Failures) Build(string operation, params (string Key, string Value)[] stepSettings)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ops:Windows:w:Cron"] = "0 2 * * *",
            ["Ops:Windows:w:Duration"] = "01:00:00",
            ["Ops:Windows:w:Clusters:0"] = "a",
            [$"{Step}:Operation"] = operation,
        };
        foreach (var (key, value) in stepSettings)
        {
            settings[$"{Step}:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var windows = configuration.GetSection(WindowsOptions.SectionName).Get<WindowsOptions>()!;
        var failures = new List<string>();
        var catalog = WindowCatalog.Build(windows, configuration, OperationCatalog.CreateDefault(),
            new ClustersOptions { ["a"] = new ClusterDefinition { Host = "h" } }, DateTimeOffset.UnixEpoch, failures);
        return (catalog.TryGet("w", out var window) ? window.Steps[0] : null, failures);
    }

    [Fact]
    public void Targets_Findings_DefaultsToTheChecksTheOperationCanWorkOn_AtWarning_WithinAnHour()
    {
        var (repack, repackFailures) = Build("repack", ("Targets", "findings"), ("Parameters:createExtension", "true"));
        var (reindex, reindexFailures) = Build("reindex", ("Targets", "Findings"), ("Parameters:databases", "app"));

        Assert.Empty(repackFailures);
        Assert.Empty(reindexFailures);
        Assert.Equal(StepTargets.Findings, repack!.Targets);
        Assert.Equal([RelationCheck.TableBloatCheck], repack.When!.Checks);
        Assert.Equal(HealthSeverity.Warning, repack.When.MinSeverity);
        Assert.Equal(TimeSpan.FromHours(1), repack.When.MaxAge);
        Assert.Equal([RelationCheck.IndexBloatCheck, RelationCheck.InvalidIndexCheck], reindex!.When!.Checks);
    }

    [Fact]
    public void When_ReadsChecksAsAListOrOneCommaSeparatedValue_WithSeverityAndAge()
    {
        var (listed, listedFailures) = Build("vacuum", ("When:Checks:0", "xid-wraparound"), ("When:Checks:1", "long-transaction"),
            ("When:MinSeverity", "Critical"), ("When:MaxAge", "00:30:00"));
        var (joined, joinedFailures) = Build("vacuum", ("When:Checks", "xid-wraparound, long-transaction"));

        Assert.Empty(listedFailures);
        Assert.Empty(joinedFailures);
        Assert.Equal(StepTargets.Parameters, listed!.Targets);
        Assert.Equal(["xid-wraparound", "long-transaction"], listed.When!.Checks);
        Assert.Equal(HealthSeverity.Critical, listed.When.MinSeverity);
        Assert.Equal(TimeSpan.FromMinutes(30), listed.When.MaxAge);
        Assert.Equal("xid-wraparound or long-transaction finding at critical", listed.When.Describe());
        Assert.Equal(["xid-wraparound", "long-transaction"], joined!.When!.Checks);
        Assert.Equal("xid-wraparound or long-transaction finding at warning or worse", joined.When.Describe());
    }

    [Fact]
    public void TheReadmeExample_IsAccepted()
    {
        var json = """
            {"Ops":{"Windows":{"w":{"Cron":"0 2 * * *","Duration":"01:00:00","Clusters":["a"],
            "Operations": [
              { "Operation": "health-check", "Parameters": { "bloatMinSizeMb": 100 } },
              { "Operation": "repack", "Targets": "findings", "When": { "Checks": [ "table-bloat" ], "MinSeverity": "critical" } },
              { "Operation": "reindex", "Targets": "findings" },
              { "Operation": "vacuum", "Parameters": { "freeze": true, "target": "needed" }, "When": { "Checks": [ "xid-wraparound" ] } }
            ]}}}}
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var failures = new List<string>();

        var catalog = WindowCatalog.Build(configuration.GetSection(WindowsOptions.SectionName).Get<WindowsOptions>()!, configuration,
            OperationCatalog.CreateDefault(), new ClustersOptions { ["a"] = new ClusterDefinition { Host = "h" } }, DateTimeOffset.UnixEpoch, failures);

        Assert.Empty(failures);
        Assert.True(catalog.TryGet("w", out var window));
        Assert.Equal([null, StepTargets.Findings, StepTargets.Findings, StepTargets.Parameters],
            window.Steps.Select(s => s.When is null ? (StepTargets?)null : s.Targets));
        Assert.Equal(HealthSeverity.Critical, window.Steps[1].When!.MinSeverity);
        Assert.Equal(["xid-wraparound"], window.Steps[3].When!.Checks);
    }

    [Fact]
    public void AStepWithoutWhenOrTargets_AlwaysRuns()
    {
        var (step, failures) = Build("vacuum");

        Assert.Empty(failures);
        Assert.Null(step!.When);
        Assert.Equal(StepTargets.Parameters, step.Targets);
    }

    [Theory]
    [InlineData("vacuum", "When:Checks:0", "table-blot",
        $"{Step}:When:Checks:0 'table-blot' is not a health-check check. Known checks: replication-lag, replication-slot, xid-wraparound,")]
    [InlineData("vacuum", "When:MinSeverity", "ok", $"{Step}:When:MinSeverity 'ok' must be 'warning' (the default) or 'critical'")]
    [InlineData("vacuum", "When:MaxAge", "-01:00:00", $"{Step}:When:MaxAge must be more than zero (got -01:00:00)")]
    [InlineData("vacuum", "When:MaxAge", "00:00:00", $"{Step}:When:MaxAge must be more than zero (got 00:00:00)")]
    [InlineData("vacuum", "When:MinSeverity", "critical", $"{Step}:When:Checks must name at least one health-check check")]
    [InlineData("vacuum", "Targets", "everything", $"{Step}:Targets 'everything' must be 'parameters' (the default) or 'findings'.")]
    [InlineData("backup", "Targets", "findings", $"{Step}:Targets 'findings' works with reindex, repack, vacuum only, not with 'backup'.")]
    [InlineData("vacuum", "Parameters:tables", "public.t", $"{Step}:Parameters:tables cannot be set with Targets 'findings': the findings name the tables")]
    [InlineData("reindex", "Parameters:tables", "public.t", $"{Step}:Parameters:tables cannot be set with Targets 'findings': the findings name the indexes")]
    [InlineData("repack", "When:Checks:0", "index-bloat",
        $"{Step}:When:Checks:0 'index-bloat' does not name objects repack can work on; with Targets 'findings', repack takes table-bloat findings.")]
    public void Build_NamesTheKey_WhenAConditionOrTargetIsBad(string operation, string key, string value, string expected)
    {
        // Every case but the Targets ones asks for findings targets where that matters; Targets itself is set by the case.
        (string, string)[] settings = key == "Targets" || key.StartsWith("When:", StringComparison.Ordinal) && operation == "vacuum"
            ? [(key, value)]
            : [("Targets", "findings"), (key, value)];

        var (_, failures) = Build(operation, settings);

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
