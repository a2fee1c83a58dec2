using System.Security.Cryptography;
using System.Text.RegularExpressions;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Unit;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// deploy/monitoring/prometheusrule.yaml alerts only on metrics a real worker serves: each expression's metric names are
/// read from the rule file and looked up in the worker's /metrics, once the worker has something to say about each.
/// </summary>
public sealed partial class PrometheusRuleTests(PostgresFixture fixture)
{
    /// <summary>Series Prometheus makes itself for every target it scrapes, which no /metrics serves.</summary>
    private static readonly string[] ScrapeSeries = ["up"];

    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "sum", "max", "min", "avg", "count", "and", "or", "unless", "bool", "absent", "increase", "rate", "time", "offset",
    };

    [Fact]
    public async Task Every_metric_the_alert_rules_name_is_served_by_the_worker()
    {
        var ct = TestContext.Current.CancellationToken;
        var rules = ReadRules();
        Assert.Superset(new HashSet<string> { "StackGresOpsBackupStale", "StackGresOpsRestoreDrillFailing", "StackGresOpsRunFailed", "StackGresOpsWorkerDown" },
            rules.Keys.ToHashSet());

        // A cluster of this test's own, so the series below are this worker's (the metrics registry is the process's).
        var cluster = "rules-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await using var worker = NotificationTests.WithClusterLike(await WorkerFactory.CreateAsync(fixture, ct), cluster)
            .WithSetting("Ops:Notifications:Staleness:CheckInterval", "00:00:00.500");
        var accepted = await worker.SubmitAsync(new { cluster, operation = "health-check", parameters = new { databases = new[] { worker.ClusterDatabase } } });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(60));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        await NotificationTests.RecordEndedRunAsync(worker, cluster, "restore-test", RunStatus.Failed, "the drill failed", null);

        string metrics = string.Empty;
        await Db.WaitUntilAsync(async () =>
        {
            metrics = await MetricsAsync(worker);
            return metrics.Contains($"stackgres_ops_last_run_failed{{cluster=\"{cluster}\",operation=\"restore-test\"}} 1", StringComparison.Ordinal) &&
                   metrics.Contains($"stackgres_ops_stale{{cluster=\"{cluster}\",operation=\"backup\"}} 0", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "the run history's series");
        Assert.Contains($"stackgres_ops_health_findings{{cluster=\"{cluster}\",check=\"xid-wraparound\",severity=\"ok\"}}", metrics, StringComparison.Ordinal);
        Assert.Contains($"stackgres_ops_last_success_timestamp_seconds{{cluster=\"{cluster}\",operation=\"health-check\"}}", metrics, StringComparison.Ordinal);

        var served = TypeLine().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (alert, expression) in rules)
        {
            var names = MetricNames(expression).ToList();
            Assert.True(names.Count > 0, $"{alert}: no metric in '{expression}'");
            foreach (var name in names)
            {
                Assert.True(served.Contains(name) || ScrapeSeries.Contains(name), $"{alert}: '{name}' is not served at /metrics");
            }
        }
    }

    [Fact]
    public void MetricNames_AreTheIdentifiersThatAreNotLabelsOrFunctions()
    {
        Assert.Equal(["a_total", "b_seconds"],
            MetricNames("sum by (cluster, operation) (increase(a_total{outcome=\"failed\",x=~\"y z\"}[1h])) > on (cluster) group_left max(b_seconds) == 1"));
        Assert.Equal(["up"], MetricNames("absent(up{job=\"stackgres-ops\"} == 1)"));
    }

    /// <summary>Each alert's expression.</summary>
    private static Dictionary<string, string> ReadRules()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(DeployManifestTests.DeployDirectory(), "monitoring", "prometheusrule.yaml"))));
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("PrometheusRule", root["kind"].ToString());
        return ((YamlSequenceNode)root["spec"]["groups"])
            .SelectMany(group => (YamlSequenceNode)group["rules"])
            .Cast<YamlMappingNode>()
            .ToDictionary(rule => rule["alert"].ToString(), rule => rule["expr"].ToString());
    }

    /// <summary>The metric names in a PromQL expression: identifiers outside strings, label matchers, ranges and grouping lists, that are not PromQL's words.</summary>
    private static List<string> MetricNames(string expression)
    {
        var bare = Strings().Replace(expression, " ");
        bare = Braces().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return Identifier().Matches(bare).Select(m => m.Value).Where(word => !PromQlWords.Contains(word)).Distinct().ToList();
    }

    private static async Task<string> MetricsAsync(WorkerFactory worker)
    {
        using var client = worker.CreateClient();
        return await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*(?:\([^)]*\))?")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\b[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
