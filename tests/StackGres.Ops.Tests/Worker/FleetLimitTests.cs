using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// The fleet's limits on heavy runs (<c>Ops:Fleet</c>) with a window opened on more clusters than the worker has Hangfire
/// workers: every cluster has its own database, each vacuum blocks on a table the test holds locked until the test lets go.
/// </summary>
public sealed class FleetLimitTests(PostgresFixture fixture)
{
    // Three zones of two clusters; at most one heavy run per zone and two in all, with three Hangfire workers.
    private static readonly (string Name, string Zone)[] Clusters =
        [("fleet-a1", "a"), ("fleet-a2", "a"), ("fleet-b1", "b"), ("fleet-b2", "b"), ("fleet-c1", "c"), ("fleet-c2", "c")];

    [Fact]
    public async Task AWindowOnSixClusters_KeepsTheFleetAndZoneLimits_HoldsNoWorkerWhileWaiting_AndRunsEveryCluster()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var databases = await Task.WhenAll(Clusters.Select(_ => fixture.CreateDatabaseAsync("ops_fleet", ct)));
        worker.WithSetting("Ops:Scheduler:WorkerCount", "3")
            .WithSetting("Ops:Scheduler:SchedulePollInterval", "00:00:00.200")
            .WithSetting("Ops:Fleet:MaxConcurrentHeavyRuns", "2")
            .WithSetting("Ops:Fleet:MaxConcurrentHeavyRunsPerLabel:zone", "1")
            .WithSetting("Ops:Fleet:DispatchInterval", "00:00:00.200")
            .WithSetting("Ops:Windows:w:Cron", "0 0 0 1 1 *")
            .WithSetting("Ops:Windows:w:Duration", "00:05:00")
            .WithSetting("Ops:Windows:w:ClusterSelector:fleet", "yes")
            .WithSetting("Ops:Windows:w:Operations:0:Operation", "vacuum")
            .WithSetting("Ops:Windows:w:Operations:0:Estimate", "00:00:01")
            .WithSetting("Ops:Windows:w:Operations:0:Parameters:tables:0", "held")
            .WithSetting("Ops:Windows:w:Operations:0:Parameters:lockTimeout", "0");
        var holders = new List<NpgsqlConnection>();
        for (var i = 0; i < Clusters.Length; i++)
        {
            AddCluster(worker, Clusters[i].Name, Clusters[i].Zone, databases[i]);
            await Db.ExecuteAsync(databases[i], "CREATE TABLE held (id int)");
            var holder = await Db.OpenAsync(databases[i]);
            await new NpgsqlCommand("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE", holder).ExecuteNonQueryAsync(ct);
            holders.Add(holder);
        }

        using var client = worker.CreateAuthorizedClient();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var samples = new ConcurrentQueue<string[]>();
        var sampler = SampleRunningAsync(worker.StorageConnectionString, samples, sampling.Token);
        try
        {
            foreach (var (name, _) in Clusters)
            {
                await worker.TriggerWindowAsync("w", name);
            }

            // Two run (blocked on their tables), four wait parked: only the two running hold a Hangfire worker.
            await Db.WaitUntilAsync(async () => await CountAsync(worker, "running") == 2 && await WaitingLinesAsync(client) == 4,
                TimeSpan.FromSeconds(60), "two runs running and four waiting");
            // A run logs that it waits just before its Hangfire job returns: on a loaded machine the last one parked may still
            // be finishing when the fourth waiting line appears.
            var storage = worker.Services.GetRequiredService<Hangfire.JobStorage>();
            await Db.WaitUntilAsync(() => Task.FromResult(storage.GetMonitoringApi().ProcessingCount() == 2), TimeSpan.FromSeconds(15),
                "only the two running runs holding a Hangfire worker");

            var firstRunning = await RunningIdsAsync(worker);

            // The third Hangfire worker is free for a light run while four heavy ones wait.
            // (Its own database only: the shared test server holds hundreds.)
            var database = new NpgsqlConnectionStringBuilder(databases[0]).Database;
            var light = (await worker.SubmitAsync(new { cluster = "fleet-a1", operation = "health-check", parameters = new { databases = new[] { database } } }))
                .GetProperty("id").GetGuid();
            var lightRun = await worker.WaitForRunAsync(light, TimeSpan.FromSeconds(60));
            Assert.True(lightRun.GetProperty("status").GetString() == "succeeded", lightRun.ToString());
            Assert.Equal(4, await CountAsync(worker, "queued"));

            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }

            var runs = await worker.WaitForWindowRunsAsync("w", Clusters.Length, TimeSpan.FromSeconds(90), byHand: true);
            Assert.All(runs, r => Assert.True(r.GetProperty("status").GetString() == "succeeded", r.ToString()));

            // Oldest first: within a zone, the runs that waited start in the order they were queued. (The two that got a
            // place at once are left out: a run that was queued first but reached the line second, its Hangfire job fetched
            // later on a loaded machine, did not wait behind the other; it was not there yet.)
            var waited = runs.Where(r => !firstRunning.Contains(r.GetProperty("id").GetGuid()));
            foreach (var zone in waited.GroupBy(r => Zone(r.GetProperty("cluster").GetString()!)))
            {
                var byQueue = zone.OrderBy(r => r.GetProperty("createdAt").GetDateTimeOffset()).Select(r => r.GetProperty("id").GetGuid());
                var byStart = zone.OrderBy(r => r.GetProperty("startedAt").GetDateTimeOffset()).Select(r => r.GetProperty("id").GetGuid());
                Assert.Equal(byQueue, byStart);
            }
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }

        // Sampled every 100 ms from the run history: never more than two at once, never two in one zone.
        Assert.True(samples.Count > 20, $"only {samples.Count} samples");
        Assert.All(samples, running =>
        {
            Assert.True(running.Length <= 2, string.Join(", ", running));
            Assert.Equal(running.Length, running.Select(Zone).Distinct().Count());
        });
        Assert.Contains(samples, running => running.Length == 2);
    }

    [Fact]
    public async Task AWaitingRun_IsSkippedWhenItsWindowCloses_AndACancelledOneEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var other = await fixture.CreateDatabaseAsync("ops_fleet", ct);
        worker.WithSetting("Ops:Fleet:MaxConcurrentHeavyRuns", "1")
            .WithSetting("Ops:Fleet:DispatchInterval", "00:00:00.200")
            .WithWindow("w", "0 0 0 1 1 *", "00:00:06", "fleet-other", ("vacuum", new Dictionary<string, string> { ["Estimate"] = "00:00:01" }));
        AddCluster(worker, "fleet-other", "a", other);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE held (id int)");
        await using var holder = await Db.OpenAsync(worker.ClusterConnectionString);
        await new NpgsqlCommand("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE", holder).ExecuteNonQueryAsync(ct);

        // The fleet's one place is taken by a vacuum blocked on the held table.
        var blocker = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "held" }, lockTimeout = "0" } }))
            .GetProperty("id").GetGuid();
        await worker.WaitForStatusAsync(blocker, "running", TimeSpan.FromSeconds(30));
        var cancelled = (await worker.SubmitAsync(new { cluster = "fleet-other", operation = "vacuum", parameters = new { } })).GetProperty("id").GetGuid();
        await worker.TriggerWindowAsync("w", "fleet-other");

        using var client = worker.CreateAuthorizedClient();
        await Db.WaitUntilAsync(async () => (await client.GetStringAsync($"/api/v1/runs/{cancelled}/logs", ct)).Contains("MaxConcurrentHeavyRuns", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the run saying why it waits");
        (await client.PostAsync($"/api/v1/runs/{cancelled}/cancel", null, ct)).EnsureSuccessStatusCode();
        var windowRun = (await worker.WaitForWindowRunsAsync("w", 1, TimeSpan.FromSeconds(40), byHand: true))[0];

        Assert.Equal("cancelled", (await worker.WaitForRunAsync(cancelled, TimeSpan.FromSeconds(10))).GetProperty("status").GetString());
        Assert.True(windowRun.GetProperty("status").GetString() == "skipped", windowRun.ToString());
        Assert.Contains("while the run waited: the fleet's limit of 1 heavy runs at once is reached", windowRun.GetProperty("reason").GetString());
        Assert.False(windowRun.TryGetProperty("startedAt", out _));
        Assert.Equal("running", (await worker.GetRunAsync(blocker)).GetProperty("status").GetString());
        await holder.DisposeAsync();
        Assert.Equal("succeeded", (await worker.WaitForRunAsync(blocker, TimeSpan.FromSeconds(30))).GetProperty("status").GetString());
        Assert.Equal(0L, await Db.ScalarAsync<long>(worker.StorageConnectionString, "SELECT count(*) FROM ops.heavy_runs"));
    }

    private static void AddCluster(WorkerFactory worker, string name, string zone, string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var key = $"Ops:Clusters:{name}";
        worker.WithSetting($"{key}:Host", builder.Host)
            .WithSetting($"{key}:Port", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting($"{key}:Username", builder.Username)
            .WithSetting($"{key}:Database", builder.Database)
            .WithSetting($"{key}:PasswordEnv", worker.PasswordVariable)
            .WithSetting($"{key}:Labels:zone", zone)
            .WithSetting($"{key}:Labels:fleet", "yes");
    }

    private static string Zone(string cluster) => Clusters.Single(c => c.Name == cluster).Zone;

    private static async Task<long> CountAsync(WorkerFactory worker, string status) =>
        await Db.ScalarAsync<long>(worker.StorageConnectionString, "SELECT count(*) FROM ops.runs WHERE status = $1 AND operation = 'vacuum'", status);

    private static async Task<HashSet<Guid>> RunningIdsAsync(WorkerFactory worker)
    {
        await using var connection = await Db.OpenAsync(worker.StorageConnectionString);
        await using var command = new NpgsqlCommand("SELECT id FROM ops.runs WHERE status = 'running' AND operation = 'vacuum'", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<int> WaitingLinesAsync(HttpClient client)
    {
        var runs = (await client.GetFromJsonAsync<JsonElement[]>("/api/v1/runs?status=queued&limit=100", TestContext.Current.CancellationToken))!;
        var waiting = 0;
        foreach (var run in runs)
        {
            var log = await client.GetStringAsync($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", TestContext.Current.CancellationToken);
            waiting += log.Contains("Waiting: ", StringComparison.Ordinal) ? 1 : 0;
        }

        return waiting;
    }

    private static async Task SampleRunningAsync(string storage, ConcurrentQueue<string[]> samples, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await Db.OpenAsync(storage);
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var command = new NpgsqlCommand("SELECT cluster FROM ops.runs WHERE status = 'running' AND operation = 'vacuum'", connection);
                var running = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        running.Add(reader.GetString(0));
                    }
                }

                samples.Enqueue([.. running]);
                await Task.Delay(100, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
