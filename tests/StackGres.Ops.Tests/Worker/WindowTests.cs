using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>Maintenance windows firing for real through Hangfire's recurring jobs.</summary>
public sealed class WindowTests(PostgresFixture fixture)
{
    // Opens every 10 seconds, so a test never waits long for the next opening.
    private const string EveryTenSeconds = "*/10 * * * * *";

    // Never opens by itself in a test's life (a test opens it by hand).
    private const string OnNewYearOnly = "0 0 0 1 1 *";

    // Opens every 20 seconds for 18: room for two runs when a loaded machine starts each runner slowly.
    private const string EveryTwentySeconds = "*/20 * * * * *";

    private static async Task<WorkerFactory> WorkerWithWindowAsync(PostgresFixture fixture, string duration, params (string Operation, string? Table, string? Estimate)[] steps) =>
        await WorkerWithWindowAsync(fixture, EveryTenSeconds, duration, steps);

    private static async Task<WorkerFactory> WorkerWithWindowAsync(PostgresFixture fixture, string cron, string duration, params (string Operation, string? Table, string? Estimate)[] steps) =>
        WithWindow(await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken), cron, duration,
            steps.Select(s => (s.Operation, s.Table is { } table ? new Dictionary<string, string> { ["tables:0"] = table } : [], s.Estimate)).ToArray());

    /// <summary>Window "w" on the worker's cluster; each step's parameters are configuration keys under its Parameters.</summary>
    private static WorkerFactory WithWindow(WorkerFactory worker, string cron, string duration,
        params (string Operation, Dictionary<string, string> Parameters, string? Estimate)[] steps) =>
        worker.WithWindow("w", cron, duration, WorkerFactory.ClusterName, steps.Select(step =>
        {
            var settings = step.Parameters.ToDictionary(p => "Parameters:" + p.Key, p => p.Value);
            if (step.Estimate is { } estimate)
            {
                settings["Estimate"] = estimate;
            }

            return (step.Operation, (IReadOnlyDictionary<string, string>)settings);
        }).ToArray());

    [Fact]
    public async Task Window_RunsItsOperationsInOrder_WhenItOpens()
    {
        // The second step's estimate is the first one's real duration, so the window must hold two runner start-ups.
        await using var worker = await WorkerWithWindowAsync(fixture, EveryTwentySeconds, "00:00:18", ("vacuum", "first", "00:00:01"), ("vacuum", "second", "00:00:01"));
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE first (id int); CREATE TABLE second (id int);");
        using var client = worker.CreateAuthorizedClient();

        var cluster = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo", TestContext.Current.CancellationToken);
        Assert.Equal(5, cluster.GetProperty("nextWindows").GetArrayLength());
        Assert.Equal("w", cluster.GetProperty("windows")[0].GetString());

        var runs = await worker.WaitForWindowRunsAsync("w", 2, TimeSpan.FromSeconds(60));

        Assert.All(runs, r => Assert.True(r.GetProperty("status").GetString() == "succeeded", r.ToString()));
        Assert.Equal(["first", "second"], runs.Select(r => r.GetProperty("parameters").GetProperty("tables")[0].GetString()));
        Assert.True(runs[1].GetProperty("startedAt").GetDateTimeOffset() >= runs[0].GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Equal(runs[0].GetProperty("deadlineAt").GetDateTimeOffset(), runs[1].GetProperty("deadlineAt").GetDateTimeOffset());
        Assert.NotNull(await Db.ScalarAsync<DateTime?>(worker.ClusterConnectionString,
            "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'second'"));
    }

    [Fact]
    public async Task Window_TakesAFullThenADifferentialBackup_OnAClusterWithARepository()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        // Opened by hand (as "Trigger now" does) for five minutes: room for two backups of a small cluster on a busy
        // machine, where the first one (which also sets up archiving) took 43 s at load 25 and the second is estimated from it.
        await using var worker = WithWindow(await cluster.CreateWorkerAsync(fixture, ct), OnNewYearOnly, "00:05:00",
            ("backup", new() { ["type"] = "full", ["configureArchiving"] = "true" }, "00:00:05"),
            ("backup", new() { ["type"] = "diff" }, "00:00:05"));
        await Db.ExecuteAsync(cluster.ConnectionString, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");

        await worker.TriggerWindowAsync("w");
        var runs = await worker.WaitForWindowRunsAsync("w", 2, TimeSpan.FromSeconds(240), byHand: true);

        Assert.All(runs, r => Assert.True(r.GetProperty("status").GetString() == "succeeded", r.ToString()));
        Assert.All(runs, r => Assert.Equal("dashboard", r.GetProperty("trigger").GetString()));
        var full = runs[0].GetProperty("result").GetProperty("backup");
        var diff = runs[1].GetProperty("result").GetProperty("backup");
        Assert.Equal("full", full.GetProperty("type").GetString());
        Assert.Equal("diff", diff.GetProperty("type").GetString());
        Assert.Equal(full.GetProperty("label").GetString(), diff.GetProperty("prior").GetString());
        using var client = worker.CreateAuthorizedClient();
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo/backups", ct);
        Assert.Equal([full.GetProperty("label").GetString(), diff.GetProperty("label").GetString()],
            listed.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task Window_SkipsAnOperationWithAReason_WhenTheWindowIsTooShortForIt()
    {
        // No history and no estimate: the conservative default (10 minutes) does not fit in 8 seconds.
        await using var worker = await WorkerWithWindowAsync(fixture, "00:00:08", ("vacuum", null, null));

        var run = (await worker.WaitForWindowRunsAsync("w", 1, TimeSpan.FromSeconds(40)))[0];

        Assert.Equal("skipped", run.GetProperty("status").GetString());
        var reason = run.GetProperty("reason").GetString()!;
        Assert.Contains("needs about 00:10:00", reason);
        Assert.Contains("a conservative default; no history yet", reason);
        Assert.False(run.TryGetProperty("startedAt", out _));
    }

    [Fact]
    public async Task Window_StartsEachClusterAtItsOffsetInTheStartSpread()
    {
        // Opens every 20 seconds for 18, its starts spread over 10: this cluster's run (offset 9 s) never starts before its offset.
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithWindow(await WorkerFactory.CreateAsync(fixture, ct), EveryTwentySeconds, "00:00:18",
            ("vacuum", new() { ["tables:0"] = "spread" }, "00:00:01"));
        worker.WithSetting("Ops:Windows:w:StartSpread", "00:00:10");
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE spread (id int);");
        var offset = new Ops.Worker.Scheduling.Windows.MaintenanceWindow("w", EveryTwentySeconds, TimeSpan.FromSeconds(18), TimeZoneInfo.Utc,
            TimeSpan.FromSeconds(10)).StartOffset(WorkerFactory.ClusterName);
        Assert.Equal(TimeSpan.FromSeconds(9), offset);

        var run = (await worker.WaitForWindowRunsAsync("w", 1, TimeSpan.FromSeconds(90)))[0];

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        var opensAt = run.GetProperty("deadlineAt").GetDateTimeOffset() - TimeSpan.FromSeconds(18);
        Assert.True(run.GetProperty("createdAt").GetDateTimeOffset() >= opensAt + offset, $"offset {offset}, opened {opensAt:O}: {run}");
    }

    [Fact]
    public async Task Window_CancelsTheRunningOperation_WhenItCloses()
    {
        // Opened by hand once the table is locked, for long enough that a loaded machine still starts the runner before
        // the close; the vacuum waits on the lock for as long as it takes (lockTimeout 0), so only the close ends it.
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithWindow(await WorkerFactory.CreateAsync(fixture, ct), OnNewYearOnly, "00:00:10",
            ("vacuum", new() { ["tables:0"] = "locked", ["lockTimeout"] = "0" }, "00:00:01"));
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE locked (id int);");
        await using var holder = await Db.OpenAsync(worker.ClusterConnectionString);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction).ExecuteNonQueryAsync(ct);

        await worker.TriggerWindowAsync("w");
        var run = (await worker.WaitForWindowRunsAsync("w", 1, TimeSpan.FromSeconds(40), byHand: true))[0];

        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        Assert.Contains("end of the maintenance window", run.GetProperty("reason").GetString());
        Assert.True(run.GetProperty("finishedAt").GetDateTimeOffset() >= run.GetProperty("deadlineAt").GetDateTimeOffset());
        await Db.WaitForNoRunBackendsAsync(worker.ClusterConnectionString, "state = 'active'");
        await transaction.RollbackAsync(ct);
    }

    [Fact]
    public async Task TwoWorkers_NeverRunTwoHeavyOperationsOnOneClusterAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await WorkerFactory.CreateAsync(fixture, ct);
        await using var second = await WorkerFactory.CreateAsync(fixture, ct, first.StorageConnectionString, first.ClusterConnectionString);
        await Db.ExecuteAsync(first.ClusterConnectionString, "CREATE TABLE locked (id int); CREATE TABLE free (id int);");
        await using var holder = await Db.OpenAsync(first.ClusterConnectionString);
        var transaction = await holder.BeginTransactionAsync(ct);
        await new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction).ExecuteNonQueryAsync(ct);

        var blocked = (await first.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" } } })).GetProperty("id").GetGuid();
        await first.WaitForStatusAsync(blocked, "running", TimeSpan.FromSeconds(15));
        var waiting = (await second.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "free" } } })).GetProperty("id").GetGuid();

        // While the first run holds the cluster, the second one, accepted by the other worker, waits queued.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.Equal("queued", (await second.GetRunAsync(waiting)).GetProperty("status").GetString());
        using (var client = second.CreateAuthorizedClient())
        {
            var log = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{waiting}/logs", ct);
            Assert.Contains(log.EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("another heavy operation is running on cluster 'demo'"));
        }

        await transaction.RollbackAsync(ct);
        var firstRun = await first.WaitForRunAsync(blocked, TimeSpan.FromSeconds(20));
        var secondRun = await second.WaitForRunAsync(waiting, TimeSpan.FromSeconds(20));

        Assert.Equal("succeeded", firstRun.GetProperty("status").GetString());
        Assert.Equal("succeeded", secondRun.GetProperty("status").GetString());
        Assert.True(secondRun.GetProperty("startedAt").GetDateTimeOffset() >= firstRun.GetProperty("finishedAt").GetDateTimeOffset(),
            $"overlap: {firstRun} / {secondRun}");
    }

    [Fact]
    public async Task Startup_RefusesAnInvalidWindow_NamingTheWindowAndTheField()
    {
        await using var worker = await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken);
        worker.WithSetting("Ops:Windows:bad:Cron", "0 2 * * *")
            .WithSetting("Ops:Windows:bad:Duration", "25:00:00")
            .WithSetting("Ops:Windows:bad:TimeZone", "Nowhere/City")
            .WithSetting("Ops:Windows:bad:Clusters:0", "ghost")
            .WithSetting("Ops:Windows:bad:Operations:0:Operation", "vacuum");

        var failure = Record.Exception(() => worker.CreateClient());

        Assert.NotNull(failure);
        var message = Flatten(failure);
        Assert.Contains("Ops:Windows:bad:Duration", message);
        Assert.Contains("Ops:Windows:bad:TimeZone 'Nowhere/City'", message);
        Assert.Contains("Ops:Windows:bad:Clusters names 'ghost'", message);
    }

    [Fact]
    public async Task Metrics_CountRunsByOperationClusterAndOutcome()
    {
        await using var worker = await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE t (id int);");
        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "t" } } })).GetProperty("id").GetGuid();
        await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(20));

        using var client = worker.CreateClient();
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("stackgres_ops_runs_ended_total{operation=\"vacuum\",cluster=\"demo\",outcome=\"succeeded\"}", text);
        Assert.Contains("stackgres_ops_run_duration_seconds_count{operation=\"vacuum\",cluster=\"demo\"}", text);
        Assert.Contains("stackgres_ops_runs_running", text);
    }

    private static string Flatten(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join("\n", aggregate.InnerExceptions.Select(Flatten)),
        _ when exception.InnerException is { } inner => exception.Message + "\n" + Flatten(inner),
        _ => exception.Message,
    };
}
