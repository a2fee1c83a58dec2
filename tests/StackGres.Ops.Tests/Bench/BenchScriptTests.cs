using System.Globalization;
using System.Text.RegularExpressions;
using StackGres.Ops.Tests.Images;
using Xunit;

namespace StackGres.Ops.Tests.Bench;

/// <summary>
/// Every <c>bench/*/run.sh</c> run at a tiny size (its size knobs, the runner and programs built with the tests), so
/// that a benchmark cannot rot unnoticed: each must complete and print the figures it prints at full size. The figures
/// themselves are not judged. A class of its own, so it runs beside the others.
/// </summary>
public sealed partial class BenchScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The scripts this class runs; a new bench/ folder needs a test here.</summary>
    private static readonly string[] Covered = ["backup", "backup-tls", "fleet", "images", "log-report", "maintenance", "memory", "rolling", "scheduling", "verify"];

    [Fact]
    public void EveryBenchScript_HasATinyRunHere()
    {
        var scripts = Directory.GetDirectories(Path.Combine(ProjectImages.RepositoryRoot, "bench"))
            .Where(d => File.Exists(Path.Combine(d, "run.sh")))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(Covered, scripts);
    }

    [Fact]
    public async Task Maintenance_PrintsEveryContendersMedians()
    {
        var output = await BenchScript.RunAsync("maintenance", ["1"],
            new Dictionary<string, string> { ["RUNNER"] = BenchScript.Runner, ["TABLES"] = "20", ["ROWS"] = "500", ["SETTLE"] = "0" },
            Timeout, TestContext.Current.CancellationToken);

        var medians = Section(output, "medians over 1 round(s):").Select(l => MaintenanceRow().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["label"].Value, m => Number(m.Groups["seconds"].Value), StringComparer.Ordinal);
        Assert.Equal(
            ["VACUUM FULL (10 hand-picked tables)", "pg_repack (whole database)", "pg_repack -t (10 hand-picked tables)", "runner given repack needed",
             "runner given vacuum needed full", "runner given vacuum needed full jobs 2", "vacuumdb --full (whole database)"],
            medians.Keys.Order(StringComparer.Ordinal));
        Assert.All(medians.Values, seconds => Assert.True(seconds > 0));
        Assert.Equal(2, Section(output, "ratios (medians):").Count(l => l.Contains("the hand-picked time", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Verify_PrintsBothToolsMediansWithoutProblems()
    {
        var output = await BenchScript.RunAsync("verify", ["1"],
            new Dictionary<string, string> { ["RUNNER"] = BenchScript.Runner, ["SCALE"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var medians = Section(output, "medians over 1 round(s):").Select(l => VerifyRow().Match(l)).Where(m => m.Success)
            .Select(m => m.Groups["label"].Value).Order(StringComparer.Ordinal);
        Assert.Equal(["pg_amcheck --heapallindexed -j 1", "pg_amcheck --heapallindexed -j 2", "verify jobs 1 (the default)", "verify jobs 2"], medians);
        Assert.Equal(2, Lines(output).Count(l => l.Contains("(problems 0, relations", StringComparison.Ordinal)));
        Assert.Equal(3, Lines(output).Count(l => l.Contains("x the time", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Backup_PrintsEveryStepsSeconds()
    {
        var output = await BenchScript.RunAsync("backup", ["1"],
            new Dictionary<string, string> { ["RUNNER"] = BenchScript.Runner, ["ROUNDS"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var table = Lines(output).SkipWhile(l => !l.StartsWith("step ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("load average", StringComparison.Ordinal));
        var steps = table.Select(l => BackupRow().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["step"].Value.Trim(), m => Number(m.Groups["seconds"].Value), StringComparer.Ordinal);
        Assert.Equal(7, steps.Count);
        Assert.Contains("backup operation, whole runner process", steps.Keys);
        Assert.Contains("restore operation, whole runner process", steps.Keys);
        Assert.All(steps.Values, seconds => Assert.True(seconds > 0));
        Assert.Equal(4, Section(output, "per run (kind, wall s, user s, system s, inner s, load, pressure):").Count(l => l.Length > 0));
    }

    [Fact]
    public async Task BackupTls_PrintsBothMedians()
    {
        var output = await BenchScript.RunAsync("backup-tls", [],
            new Dictionary<string, string> { ["SCALE"] = "1", ["ROUNDS"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var median = Lines(output).Select(l => TlsMedian().Match(l)).Single(m => m.Success);
        Assert.True(Number(median.Groups["local"].Value) > 0);
        Assert.True(Number(median.Groups["tls"].Value) > 0);
    }

    [Fact]
    public async Task Fleet_PrintsTheRunsOfEveryClusterWithinTheLimit()
    {
        // Two clusters, one at a time, no spread, one replica; the window opens 20 s after the start instead of at a whole minute.
        var output = await BenchScript.RunAsync("fleet", ["2", "1", "0", "none", "20", "1"],
            new Dictionary<string, string> { ["NO_BUILD"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var summary = Lines(output).Select(l => FleetSummary().Match(l)).Single(m => m.Success);
        Assert.Equal("2 succeeded", summary.Groups["statuses"].Value);
        Assert.Equal("1", summary.Groups["most"].Value);
        Assert.Single(Lines(output), l => l.StartsWith("fleet this tree: first start ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Images_PrintSizesAndStartUp()
    {
        // The images the suite builds for its image tests (once per test process).
        await ProjectImages.EnsureBuiltAsync();
        var output = await BenchScript.RunAsync("images", ["1"],
            new Dictionary<string, string> { ["TAG"] = ProjectImages.Tag }, Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, Lines(output).Count(l => ImageSize().IsMatch(l)));
        Assert.Single(Lines(output), l => ImagesStartUp().IsMatch(l));
    }

    [Fact]
    public async Task LogReport_PrintsBothTablesAndTheSameReportOverSql()
    {
        var output = await BenchScript.RunAsync("log-report", [],
            new Dictionary<string, string>
            {
                ["RUNNER"] = BenchScript.Runner, ["TARGET_MB"] = "1", ["GENERATE_TRANSACTIONS"] = "20", ["GENERATE_SCALE"] = "1", ["FORMATS"] = "stderr",
                ["BENCH_DIR"] = Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-log-bench-" + Guid.NewGuid().ToString("N")[..12]),
            },
            Timeout, TestContext.Current.CancellationToken);

        var rows = Lines(output).Where(l => l.StartsWith("stderr ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Equal(4, LogReportCell().Matches(rows[0]).Count);
        Assert.Matches(LogReportRatio(), rows[0]);
        Assert.Equal(4, LogReportCell().Matches(rows[1]).Count);
        Assert.EndsWith("| same", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memory_PrintsTheRssOfRunsThatAllSucceeded()
    {
        var output = await BenchScript.RunAsync("memory", ["server", "2", "1"],
            new Dictionary<string, string> { ["NO_BUILD"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var summary = Lines(output).Select(l => MemorySummary().Match(l)).Single(m => m.Success);
        Assert.True(Number(summary.Groups["after"].Value) > 0, summary.Value);
        Assert.Contains("  warm-up: 1 succeeded in ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("first failure", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rolling_PrintsTheSwitchoversClientImpact()
    {
        var output = await BenchScript.RunAsync("rolling", ["1", "local", "switchover"],
            new Dictionary<string, string> { ["NO_BUILD"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        var row = Lines(output).Select(l => RollingRow().Match(l)).Single(m => m.Success);
        Assert.Equal("switchover", row.Groups["scenario"].Value);
        Assert.Equal(0, int.Parse(row.Groups["lost"].Value, CultureInfo.InvariantCulture));
        Assert.True(int.Parse(row.Groups["committed"].Value, CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Scheduling_PrintsLatenciesAndTheRecurringJobsOfEveryCluster()
    {
        var output = await BenchScript.RunAsync("scheduling", ["all", "2", "20"],
            new Dictionary<string, string> { ["NO_BUILD"] = "1" }, Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, Lines(output).Count(l => SchedulingLatency().IsMatch(l)));
        var scale = Lines(output).Select(l => SchedulingScale().Match(l)).Single(m => m.Success);
        Assert.Equal("40", scale.Groups["jobs"].Value);
    }

    private static string[] Lines(string output) => output.Split('\n');

    /// <summary>The lines after <paramref name="heading"/> up to the next empty line.</summary>
    private static IEnumerable<string> Section(string output, string heading) =>
        Lines(output).SkipWhile(l => l.Trim() != heading).Skip(1).TakeWhile(l => l.Trim().Length > 0);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^  (?<label>\S.*?)\s+(?<seconds>\d+\.\d{3})s\s+-?\d+\.\dMiB\s+-?\d+\.\dMiB\s+\(")]
    private static partial Regex MaintenanceRow();

    [GeneratedRegex(@"^  (?<label>\S.*?)\s+\d+\.\d\d s\s+\(\d+\.\d\d\)$")]
    private static partial Regex VerifyRow();

    [GeneratedRegex(@"^(?<step>.{46}) +(?<seconds>\d+\.\d\d) +\d+\.\d")]
    private static partial Regex BackupRow();

    [GeneratedRegex(@"^median  local (?<local>\d+\.\d\d) s  tls (?<tls>\d+\.\d\d) s  speed through TLS = \d+\.\d\dx local$")]
    private static partial Regex TlsMedian();

    [GeneratedRegex(@"^fleet this tree: 2 clusters, 1 replicas of 1 Hangfire workers, limit 1, StartSpread 0 s: 2 runs \((?<statuses>[^)]*)\); most running at once (?<most>\d+) over \d+ samples of 100 ms; all ended -?\d+ s after the opening; mean run \d+\.\d\d s; ideal \d+ s \(\d+\.\d\dx ideal\)$")]
    private static partial Regex FleetSummary();

    [GeneratedRegex(@"^(worker|job-runner) image:\s+\d+ MB$")]
    private static partial Regex ImageSize();

    [GeneratedRegex(@"^runner start-up, median of 1 \(ms\): inside \d+, podman run \d+, podman run /bin/true \d+$")]
    private static partial Regex ImagesStartUp();

    [GeneratedRegex(@"\d+\.\d\d s\s+\d+\.\d MB/s, cpu\s+\d+\.\d\d s")]
    private static partial Regex LogReportCell();

    [GeneratedRegex(@"\| \d+x / \d+x; \d+x$")]
    private static partial Regex LogReportRatio();

    [GeneratedRegex(@"^  server GC, 2 runs after 1 warm-up: 2 succeeded in \d+ s; RSS \d+\.\d -> (?<after>\d+\.\d) MB")]
    private static partial Regex MemorySummary();

    [GeneratedRegex(@"^\| (?<scenario>[^|]+) \| \d+\.\d\d s \| \d+\.\d{3} s / \d+\.\d{3} s \| (?<lost>\d+) \| (?<committed>\d+) \|$")]
    private static partial Regex RollingRow();

    [GeneratedRegex(@"^latency .+: n=2 p50=\d+ ms p99=\d+ ms max=\d+ ms$")]
    private static partial Regex SchedulingLatency();

    [GeneratedRegex(@"^scale: 20 clusters x 2 windows: ready in \d+\.\d s; .*Maintenance windows synchronized: (?<jobs>\d+) recurring job\(s\) after \d+\.\d s; peak memory \d+ MB; GET /api/v1/clusters \d+ ms \(\d+ KB\); GET /api/v1/clusters/c00010 \d+ ms$")]
    private static partial Regex SchedulingScale();
}
