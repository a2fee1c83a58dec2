using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Bench.Scheduling;
using StackGres.Ops.Jobs.Clusters.Local;
using static StackGres.Ops.Bench.Scheduling.BenchSupport;

// Fleet benchmark of issue 15: N inventory clusters (a database each, on two local servers), one window opening on all of
// them at the same second with a fleet limit and a StartSpread; each cluster vacuums one small table. Sampled every 100 ms
// from the run history: heavy runs running at once. Reported: the most seen at once against the limit, how the starts
// spread over time, the time until every run ended against the ideal (runs x mean duration / limit), and runs skipped.
// The same on a baseline worker (an older build, passed as its dll), which knows no fleet limit.
// Usage: [clusters] [limit] [spread seconds] [baseline dll|none] [lead seconds|-] [replicas]: the window opens that many
// seconds after the worker starts (default, or "-": at the first whole minute at least 45 s away); replicas: 2 by default.
var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var limit = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var spread = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60);
var baselineDll = args.Length > 3 && args[3] != "none" ? args[3] : null;
int? lead = args.Length > 4 && args[4] != "-" ? int.Parse(args[4], CultureInfo.InvariantCulture) : null;
// Worker replicas sharing the storage, each with as many Hangfire workers as the limit: the limit is the fleet's, not a replica's.
var replicas = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 2;
var repo = FindRepository();
var workerDll = Path.Combine(repo, "src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll");
// A folder of this run's own: another run at the same time must not remove its servers.
var root = Path.Combine(Path.GetTempPath(), $"stackgres-ops-bench-fleet-{Environment.ProcessId}");
if (Directory.Exists(root))
{
    Directory.Delete(root, true);
}

var password = Guid.NewGuid().ToString("N");
Environment.SetEnvironmentVariable("BENCH_PGPASSWORD", password);
var servers = new List<LocalPostgresInstance>();
try
{
    var setup = Stopwatch.StartNew();
    for (var s = 0; s < 2; s++)
    {
        servers.Add(await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
        {
            DataDirectory = Path.Combine(root, $"server{s}"),
            Password = password,
            Settings = new Dictionary<string, string> { ["max_connections"] = "200", ["fsync"] = "off", ["full_page_writes"] = "off" },
        }, PostgresBinaries.Locate(), CancellationToken.None));
        await ExecuteAsync(servers[s], "postgres", "CREATE DATABASE fleet_template");
        await ExecuteAsync(servers[s], "fleet_template", "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 1000) i");
    }

    await Parallel.ForEachAsync(Enumerable.Range(0, clusters), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        await ExecuteAsync(servers[i % 2], "postgres", $"CREATE DATABASE {Name(i)} TEMPLATE fleet_template STRATEGY file_copy"));
    Console.WriteLine($"set-up: {clusters} databases on 2 servers in {setup.Elapsed.TotalSeconds:F0} s");

    await MeasureAsync("this tree", workerDll);
    if (baselineDll is not null)
    {
        await MeasureAsync("baseline", baselineDll);
    }
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }
}

return 0;

async Task MeasureAsync(string variant, string dll)
{
    var storage = "storage_" + (variant == "baseline" ? "baseline" : "current");
    await servers[0].CreateDatabaseAsync(storage, CancellationToken.None);
    var directory = Path.Combine(root, storage);
    Directory.CreateDirectory(directory);
    var inventory = new StringBuilder("{\"Clusters\":{");
    for (var i = 0; i < clusters; i++)
    {
        var server = servers[i % 2];
        inventory.Append(CultureInfo.InvariantCulture,
            $"{(i > 0 ? "," : string.Empty)}\"{Name(i).Replace('_', '-')}\":{{\"Host\":\"{server.Host}\",\"Port\":{server.Port},\"Username\":\"{server.Superuser}\",\"Database\":\"{Name(i)}\",\"Labels\":{{\"fleet\":\"bench\"}},\"PasswordEnv\":\"BENCH_PGPASSWORD\"}}");
    }

    inventory.Append("}}");
    await File.WriteAllTextAsync(Path.Combine(directory, "inventory.json"), inventory.ToString());

    // Opens at the first whole minute at least 45 s away (or lead seconds from now): the worker is ready and its
    // recurring jobs written by then.
    var now = DateTimeOffset.UtcNow;
    var opensAt = lead is { } seconds
        ? new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(seconds)
        : new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second < 15 ? 1 : 2);
    var window = new Dictionary<string, object>
    {
        ["Cron"] = $"{opensAt.Second} {opensAt.Minute} {opensAt.Hour} * * *",
        ["Duration"] = "01:00:00",
        ["TimeZone"] = "UTC",
        ["StartSpread"] = spread.ToString("c", CultureInfo.InvariantCulture),
        ["ClusterSelector"] = new Dictionary<string, string> { ["fleet"] = "bench" },
        ["Operations"] = new[] { new { Operation = "vacuum", Estimate = "00:00:05", Parameters = new { tables = new[] { "t" } } } },
    };
    var settings = JsonSerializer.Serialize(new
    {
        Ops = new
        {
            InventoryFile = Path.Combine(directory, "inventory.json"),
            Scheduler = new { WorkerCount = limit },
            Fleet = new { MaxConcurrentHeavyRuns = limit },
            Windows = new Dictionary<string, object> { ["fleet"] = window },
        },
    });
    await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.Bench.json"), settings);
    var environment = new Dictionary<string, string>
    {
        ["ConnectionStrings__Ops"] = servers[0].ConnectionString(storage),
        ["OPS_API_TOKEN"] = Guid.NewGuid().ToString("N"),
        ["DOTNET_ENVIRONMENT"] = "Bench",
        ["Serilog__MinimumLevel__Default"] = "Warning",
        ["Ops__Logging__Format"] = "text",
    };
    var workers = new List<WorkerProcess>();
    for (var r = 0; r < replicas; r++)
    {
        workers.Add(WorkerProcess.Start(dll, directory, FreePort(), environment));
    }

    try
    {
        foreach (var worker in workers)
        {
            await WorkerProcess.WaitReadyAsync(worker.Url, TimeSpan.FromMinutes(2));
        }

        await SampleAsync(variant, storage, opensAt);
    }
    finally
    {
        foreach (var worker in workers)
        {
            await worker.DisposeAsync();
        }
    }
}

async Task SampleAsync(string variant, string storage, DateTimeOffset opensAt)
{
    if (DateTimeOffset.UtcNow > opensAt - TimeSpan.FromSeconds(5))
    {
        throw new InvalidOperationException($"{variant}: the worker was ready too late for the opening at {opensAt:u}");
    }

    await using var connection = new NpgsqlConnection(servers[0].ConnectionString(storage));
    await connection.OpenAsync();
    var samples = new List<(TimeSpan At, long Running)>();
    var deadline = opensAt + TimeSpan.FromMinutes(40);
    while (DateTimeOffset.UtcNow < deadline)
    {
        var (running, ended) = await CountAsync(connection);
        if (DateTimeOffset.UtcNow >= opensAt)
        {
            samples.Add((DateTimeOffset.UtcNow - opensAt, running));
        }

        if (ended >= clusters)
        {
            break;
        }

        await Task.Delay(100);
    }

    await ReportAsync(variant, connection, opensAt, samples);
}

async Task ReportAsync(string variant, NpgsqlConnection connection, DateTimeOffset opensAt, List<(TimeSpan At, long Running)> samples)
{
    var runs = new List<(string Status, DateTimeOffset? Started, DateTimeOffset? Finished)>();
    await using (var command = new NpgsqlCommand("SELECT status, started_at, finished_at FROM ops.runs WHERE trigger = 'window:fleet'", connection))
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            runs.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }
    }

    var started = runs.Where(r => r.Started is not null && r.Finished is not null).ToList();
    var mean = started.Count == 0 ? 0 : started.Average(r => (r.Finished!.Value - r.Started!.Value).TotalSeconds);
    var lastEnd = runs.Where(r => r.Finished is not null).Select(r => r.Finished!.Value).DefaultIfEmpty(opensAt).Max();
    var ideal = clusters * mean / limit;
    var byStatus = string.Join(", ", runs.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
    Console.WriteLine($"fleet {variant}: {clusters} clusters, {replicas} replicas of {limit} Hangfire workers, limit {limit}, StartSpread {spread.TotalSeconds:F0} s: {runs.Count} runs ({byStatus}); " +
                      $"most running at once {(samples.Count == 0 ? 0 : samples.Max(s => s.Running))} over {samples.Count} samples of 100 ms; " +
                      $"all ended {(lastEnd - opensAt).TotalSeconds:F0} s after the opening; mean run {mean:F2} s; ideal {ideal:F0} s " +
                      $"({(ideal > 0 ? (lastEnd - opensAt).TotalSeconds / ideal : 0):F2}x ideal)");
    // Starts over time, in tenths of the time until the last start.
    var starts = started.Select(r => (r.Started!.Value - opensAt).TotalSeconds).Order().ToList();
    if (starts.Count > 0)
    {
        var span = Math.Max(starts[^1], 1);
        var histogram = new int[10];
        foreach (var start in starts)
        {
            histogram[Math.Min(9, (int)(start / span * 10))]++;
        }

        Console.WriteLine($"fleet {variant}: first start {starts[0]:F1} s, last start {starts[^1]:F1} s after the opening; starts per tenth: {string.Join(' ', histogram)}");
        var running = samples.GroupBy(s => (int)(s.At.TotalSeconds / 60)).Select(g => $"{g.Key}m:{g.Min(s => s.Running)}-{g.Max(s => s.Running)}");
        Console.WriteLine($"fleet {variant}: fewest-most running in each minute: {string.Join(' ', running)}");
        var handOvers = HandOvers(started.Select(r => (r.Started!.Value, r.Finished!.Value)).ToList());
        if (handOvers.Count > 0)
        {
            Console.WriteLine($"fleet {variant}: hand-overs (a place freed by a run that ended, to the next run's start): {handOvers.Count}, " +
                              $"median {Percentile(handOvers, 0.5):F2} s, p90 {Percentile(handOvers, 0.9):F2} s, max {handOvers[^1]:F2} s");
        }
    }
}

static async Task<(long Running, long Ended)> CountAsync(NpgsqlConnection connection)
{
    await using var command = new NpgsqlCommand(
        "SELECT count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status NOT IN ('queued', 'running')) FROM ops.runs WHERE trigger = 'window:fleet'",
        connection);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (reader.GetInt64(0), reader.GetInt64(1));
}

// Replays the runs' ends and starts in time order: each start after the first ones takes the place the earliest
// unclaimed end freed, and the time between the two is that hand-over. Places never freed by an end (the first starts)
// are not hand-overs, and a place freed when no run was left to start is never claimed.
static List<double> HandOvers(IReadOnlyList<(DateTimeOffset Started, DateTimeOffset Finished)> runs)
{
    var events = runs.Select(r => (At: r.Finished, IsEnd: true)).Concat(runs.Select(r => (At: r.Started, IsEnd: false)))
        .OrderBy(e => e.At).ThenBy(e => e.IsEnd ? 0 : 1);
    var freed = new Queue<DateTimeOffset>();
    var gaps = new List<double>();
    foreach (var (at, isEnd) in events)
    {
        if (isEnd)
        {
            freed.Enqueue(at);
        }
        else if (freed.TryDequeue(out var freedAt))
        {
            gaps.Add((at - freedAt).TotalSeconds);
        }
    }

    gaps.Sort();
    return gaps;
}

static double Percentile(IReadOnlyList<double> sorted, double fraction) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(fraction * sorted.Count))];

static string Name(int i) => $"c{i:D4}";

static async Task ExecuteAsync(LocalPostgresInstance server, string database, string sql)
{
    // Unpooled: a pooled session left on the template would stop CREATE DATABASE from copying it.
    await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { Pooling = false }.ConnectionString);
    await connection.OpenAsync();
    await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
}
