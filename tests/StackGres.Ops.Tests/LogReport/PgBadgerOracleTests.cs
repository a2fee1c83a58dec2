using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// pgBadger is the oracle: a real PostgreSQL writes the same workload (pgbench in the three
/// protocols, failing statements, a lock wait, temporary files, checkpoints, autovacuum) as stderr,
/// csvlog and jsonlog at once, and the real pgbadger reads the same files. Totals, distinct
/// queries, the counts of the top 20 normalized queries, errors and sessions must agree within 0.5%.
/// </summary>
public sealed class PgBadgerOracleTests
{
    private const string PgBadger = "/usr/bin/pgbadger";

    [Fact]
    public async Task Report_AgreesWithPgBadger_InTheThreeFormats()
    {
        const string Prefix = "%t [%p]: user=%u,db=%d,app=%a,client=%h ";
        using var logs = await GenerateLogsAsync(Prefix);

        foreach (var (format, extension, pgbadgerFormat) in new[] { (LogFormat.Stderr, ".log", "stderr"), (LogFormat.Csv, ".csv", "csv"), (LogFormat.Json, ".json", "jsonlog") })
        {
            var files = Directory.GetFiles(logs.Path, "*" + extension);
            Assert.NotEmpty(files);
            var ours = TempLogDirectory.Analyze(new LogReportSettings { Format = format, Prefix = Prefix, Top = 10_000 }, files);
            var theirs = await RunPgBadgerAsync(pgbadgerFormat, Prefix, files);
            AssertAgree(format.ToString(), ours, theirs);
        }
    }

    [Fact]
    public async Task Report_AgreesWithPgBadger_WithAnotherPrefix()
    {
        const string Prefix = "%m [%p-%l] %q%u@%d %a %c %e ";
        using var logs = await GenerateLogsAsync(Prefix);
        var files = Directory.GetFiles(logs.Path, "*.log");

        var ours = TempLogDirectory.Analyze(new LogReportSettings { Format = LogFormat.Stderr, Prefix = Prefix, Top = 10_000 }, files);
        var theirs = await RunPgBadgerAsync("stderr", Prefix, files);

        AssertAgree("stderr with " + Prefix, ours, theirs);
        Assert.NotEmpty(ours.Errors.BySqlState);
    }

    private static void AssertAgree(string what, LogReportDocument ours, JsonElement theirs)
    {
        var overall = theirs.GetProperty("overall_stat");
        var normalized = theirs.GetProperty("normalyzed_info").GetProperty("postgres").EnumerateObject()
            .Select(q => (Query: q.Name, Count: q.Value.GetProperty("count").GetInt64()))
            .OrderByDescending(q => q.Count).ToList();
        Close($"{what}: queries", overall.GetProperty("queries_number").GetInt64(), ours.Overview.Queries);
        Close($"{what}: distinct queries", normalized.Count, ours.Overview.DistinctQueries);
        Close($"{what}: errors", overall.GetProperty("errors_number").GetInt64(), ours.Overview.Errors);
        Close($"{what}: sessions", theirs.GetProperty("session_info").GetProperty("postgres").GetProperty("count").GetInt64(), ours.Overview.Sessions);
        Close($"{what}: connections", theirs.GetProperty("connection_info").GetProperty("postgres").GetProperty("count").GetInt64(), ours.Overview.Connections);

        // The top 20 by count: the same counts in the same order, and each query pgBadger ranks above
        // the ties at the 20th place has the same count here (ties at the cut may be ordered differently).
        var top = normalized.Take(20).ToList();
        var ourCounts = ours.Queries.ByCount.ToDictionary(q => q.Query, q => q.Count, StringComparer.Ordinal);
        Assert.True(ourCounts.Count >= top.Count, $"{what}: {ourCounts.Count} normalized queries, pgBadger has {normalized.Count}");
        foreach (var (expected, actual) in top.Zip(ours.Queries.ByCount))
        {
            Close($"{what}: count at rank of '{expected.Query}'", expected.Count, actual.Count);
        }

        var cut = top[^1].Count;
        foreach (var (query, count) in top.Where(q => q.Count > cut))
        {
            Assert.True(ourCounts.TryGetValue(query, out var ourCount), $"{what}: pgBadger's top query '{query}' ({count}) is missing here");
            Close($"{what}: '{query}'", count, ourCount);
        }
    }

    private static void Close(string what, long expected, long actual) =>
        Assert.True(Math.Abs(expected - actual) <= expected * 0.005, $"{what}: pgBadger {expected}, log-report {actual}");

    private static async Task<JsonElement> RunPgBadgerAsync(string format, string prefix, string[] files)
    {
        Assert.True(File.Exists(PgBadger), $"{PgBadger} is missing: scripts/install-deps.sh installs Debian's pgbadger.");
        var work = Directory.CreateTempSubdirectory("stackgres-ops-pgbadger-");
        try
        {
            var output = Path.Combine(work.FullName, "out.json");
            var start = new ProcessStartInfo(PgBadger) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-q", "--pid-dir", work.FullName, "-f", format, "--prefix", prefix, "-x", "json", "-o", output }.Concat(files))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, $"pgbadger failed: {await stderr}");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
            return document.RootElement.Clone();
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Starts a server that logs everything in the three formats, runs the workload, stops it and keeps its logs.</summary>
    private static async Task<TempLogDirectory> GenerateLogsAsync(string prefix)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-oracle-" + Guid.NewGuid().ToString("N"));
        var logs = new TempLogDirectory();
        await using var server = await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
        {
            DataDirectory = Path.Combine(root, "data"),
            Password = PostgresFixture.NewPassword(),
            Settings = new Dictionary<string, string>(ReportLogging.Settings)
            {
                ["logging_collector"] = "on",
                ["log_destination"] = "stderr,csvlog,jsonlog",
                ["log_directory"] = "log",
                ["log_line_prefix"] = prefix,
                ["autovacuum_naptime"] = "1",
                ["deadlock_timeout"] = "50ms",
                ["log_rotation_size"] = "2MB",
            },
        }, PostgresBinaries.Locate(), ct);

        await Tool(server, "pgbench", ["-i", "-s", "1", "-q", "postgres"]);
        foreach (var mode in new[] { "simple", "prepared", "extended" })
        {
            await Tool(server, "pgbench", ["-c", "2", "-j", "2", "-t", "400", "-M", mode, "postgres"]);
        }

        foreach (var sql in new[]
                 {
                     "select 1/0", "select * from no_such_table where id in (1, 2, 3)", "selec 1",
                     "set work_mem = '64kB'; select count(*) from (select g from generate_series(1, 100000) g order by g desc) s",
                     "checkpoint",
                 })
        {
            await server.RunToolAsync("psql", ["-X", "-q", "-d", "postgres", "-c", sql], ct);
        }

        await LockWaitAsync(server.ConnectionString("postgres"), ct);
        await server.StopAsync(ct);
        foreach (var file in Directory.GetFiles(Path.Combine(server.DataDirectory, "log")))
        {
            File.Copy(file, Path.Combine(logs.Path, Path.GetFileName(file)));
        }

        return logs;
    }

    /// <summary>One session holds a lock long enough for another to wait past deadlock_timeout.</summary>
    private static async Task LockWaitAsync(string connectionString, CancellationToken ct)
    {
        await using var holder = new NpgsqlConnection(connectionString);
        await holder.OpenAsync(ct);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE pgbench_branches", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        await using var waiter = new NpgsqlConnection(connectionString);
        await waiter.OpenAsync(ct);
        await using var update = new NpgsqlCommand("UPDATE pgbench_branches SET bbalance = bbalance WHERE bid = 1", waiter);
        var waiting = update.ExecuteNonQueryAsync(ct);
        await Task.Delay(400, ct);
        await transaction.CommitAsync(ct);
        await waiting;
    }

    private static async Task Tool(LocalPostgresInstance server, string tool, string[] arguments)
    {
        var result = await server.RunToolAsync(tool, arguments, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"{tool} {string.Join(' ', arguments)} failed: {result.StandardError}");
    }
}
