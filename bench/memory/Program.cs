using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Bench.Scheduling;
using static StackGres.Ops.Bench.Scheduling.BenchSupport;
using StackGres.Ops.Jobs.Clusters.Local;

// Memory of one real worker process over many runs: 100 warm-up vacuum runs, then N measured ones
// (default 1,000) through the HTTP API, 50 at a time, round-robin over 4 clusters. The worker's RSS
// (VmRSS, VmHWM) and managed heap are sampled after the warm-up and every 100 runs.
// Usage: [server|workstation|both] [runs] [warm-up runs]; "workstation" starts the worker with DOTNET_gcServer=0.
const int SampleEvery = 100;
const int Concurrency = 50;
string[] clusters = ["c1", "c2", "c3", "c4"];

var mode = args.FirstOrDefault() ?? "both";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var warmUpRuns = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
if (mode is not ("server" or "workstation" or "both") || runs < 1 || warmUpRuns < 0)
{
    Console.Error.WriteLine("usage: [server|workstation|both] [runs] [warm-up runs]");
    return 2;
}

var repo = FindRepository();
var workerDll = Path.Combine(repo, "src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll");
if (!File.Exists(workerDll))
{
    Console.Error.WriteLine($"build the worker first: dotnet build {Path.Combine(repo, "src/Worker")} -c Release");
    return 2;
}

var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-bench-memory");
if (Directory.Exists(root))
{
    Directory.Delete(root, true);
}

// The "server" worker must get the default from its runtimeconfig.json, not a setting inherited from here.
Environment.SetEnvironmentVariable("DOTNET_gcServer", null);
var token = Guid.NewGuid().ToString("N");
await using (var server = await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
{
    DataDirectory = Path.Combine(root, "data"),
    Password = Guid.NewGuid().ToString("N"),
    Settings = new Dictionary<string, string> { ["max_connections"] = "300" },
}, PostgresBinaries.Locate(), CancellationToken.None))
{
    Environment.SetEnvironmentVariable("BENCH_PGPASSWORD", server.Password);
    foreach (var cluster in clusters)
    {
        await server.CreateDatabaseAsync(cluster, CancellationToken.None);
        await using var setup = new NpgsqlConnection(server.ConnectionString(cluster));
        await setup.OpenAsync();
        await new NpgsqlCommand("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 1000)", setup).ExecuteNonQueryAsync();
    }

    foreach (var gc in mode == "both" ? ["server", "workstation"] : new[] { mode })
    {
        await MeasureAsync(server, gc);
    }
}

Directory.Delete(root, true);
return 0;

async Task MeasureAsync(LocalPostgresInstance server, string gc)
{
    var storage = "storage_" + gc;
    await server.CreateDatabaseAsync(storage, CancellationToken.None);
    var environment = new Dictionary<string, string>
    {
        ["ConnectionStrings__Ops"] = server.ConnectionString(storage),
        ["OPS_API_TOKEN"] = token,
        ["Ops__Executor__RunDirectory"] = Path.Combine(root, "runs-" + gc),
    };
    foreach (var cluster in clusters)
    {
        environment[$"Ops__Clusters__{cluster}__Host"] = server.Host;
        environment[$"Ops__Clusters__{cluster}__Port"] = server.Port.ToString(CultureInfo.InvariantCulture);
        environment[$"Ops__Clusters__{cluster}__Database"] = cluster;
        environment[$"Ops__Clusters__{cluster}__PasswordEnv"] = "BENCH_PGPASSWORD";
    }

    if (gc == "workstation")
    {
        environment["DOTNET_gcServer"] = "0";
    }

    await using var worker = WorkerProcess.Start(workerDll, root, FreePort(), environment);
    await WorkerProcess.WaitReadyAsync(worker.Url, TimeSpan.FromMinutes(2));
    using var http = new HttpClient { BaseAddress = new Uri(worker.Url), Timeout = TimeSpan.FromMinutes(5) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    Console.WriteLine($"{gc} GC: worker pid {worker.Id}, {ServerGcThreads(worker.Id)} server GC threads, load average {LoadAverage()}");

    var samples = new ConcurrentBag<Sample>();
    var clock = Stopwatch.StartNew();
    var warmUp = await RunBatchAsync(http, warmUpRuns, _ => Task.CompletedTask);
    Console.WriteLine($"  warm-up: {warmUp.Describe()} in {clock.Elapsed.TotalSeconds:F0} s");
    await TakeSampleAsync(0);
    clock.Restart();
    var measured = await RunBatchAsync(http, runs, done => done % SampleEvery == 0 && done < runs ? TakeSampleAsync(done) : Task.CompletedTask);
    await TakeSampleAsync(runs);
    var elapsed = clock.Elapsed;

    var ordered = samples.OrderBy(s => s.Runs).ToList();
    var (first, last) = (ordered[0], ordered[^1]);
    var latencies = measured.Latencies.Order().ToList();
    Console.WriteLine($"  {gc} GC, {runs} runs after {warmUpRuns} warm-up: {measured.Describe()} in {elapsed.TotalSeconds:F0} s; " +
                      $"RSS {first.RssMb:F1} -> {last.RssMb:F1} MB ({last.RssMb - first.RssMb:+0.0;-0.0} MB, goal <= +30), " +
                      $"samples {ordered.Min(s => s.RssMb):F1}-{ordered.Max(s => s.RssMb):F1} MB, peak {last.PeakMb:F1} MB, " +
                      $"managed heap {ordered.Min(s => s.HeapMb):F1}-{ordered.Max(s => s.HeapMb):F1} MB " +
                      $"(after the last GC {ordered.Min(s => s.LiveMb):F1}-{ordered.Max(s => s.LiveMb):F1} MB); " +
                      $"submission p50 {Percentile(latencies, 0.5):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms; load average {LoadAverage()}");
    if (measured.FirstError is { } error)
    {
        Console.WriteLine($"  first failure: {error}");
    }

    async Task TakeSampleAsync(int done)
    {
        var sample = await SampleAsync(http, worker.Id, done);
        samples.Add(sample);
        Console.WriteLine($"  after {sample.Runs,5} runs: RSS {sample.RssMb,6:F1} MB, peak {sample.PeakMb,6:F1} MB, managed heap {sample.HeapMb,5:F1} MB " +
                          $"(after the last GC {sample.LiveMb,5:F1} MB, GC committed {sample.CommittedMb,5:F1} MB), load average {LoadAverage()}");
    }
}

// Submits count runs, Concurrency at a time, each waited for until it ends; completed gets the number done so far.
async Task<Batch> RunBatchAsync(HttpClient http, int count, Func<int, Task> completed)
{
    var batch = new Batch();
    var (next, done) = (-1, 0);
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
        {
            var submitted = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("/api/v1/runs",
                new { cluster = clusters[i % clusters.Length], operation = "vacuum", parameters = new { tables = new[] { "t" } } });
            batch.Latencies.Add(submitted.Elapsed.TotalMilliseconds);
            var run = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                batch.Ended($"rejected {(int)response.StatusCode}", run.ToString());
            }
            else
            {
                var id = run.GetProperty("id").GetString();
                while (run.GetProperty("status").GetString() is "queued" or "running")
                {
                    await Task.Delay(250);
                    run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}");
                }

                var status = run.GetProperty("status").GetString()!;
                batch.Ended(status, status == "succeeded" ? null : run.ToString());
            }

            await completed(Interlocked.Increment(ref done));
        }
    }));
    return batch;
}

static async Task<Sample> SampleAsync(HttpClient http, int pid, int runs)
{
    var status = File.ReadAllLines($"/proc/{pid}/status");
    double Megabytes(string field) => double.Parse(
        status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
        CultureInfo.InvariantCulture) / 1024;

    // From the worker's /metrics: prometheus-net's dotnet_total_memory_bytes is GC.GetTotalMemory(false), the heap in use
    // with the garbage not yet collected; the System.Runtime meter gives the heap size after the last GC (all generations)
    // and the memory the GC had committed then.
    var metrics = (await http.GetStringAsync("/metrics")).Split('\n');
    double Metric(string name)
    {
        var values = metrics.Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        return values.Count > 0 ? values.Sum() / 1024 / 1024 : throw new InvalidOperationException($"the worker's /metrics has no {name}");
    }

    return new Sample(runs, Megabytes("VmRSS:"), Megabytes("VmHWM:"), Metric("dotnet_total_memory_bytes "),
        Metric("system_runtime_dotnet_gc_last_collection_heap_size{"), Metric("system_runtime_dotnet_gc_last_collection_memory_committed_size "));
}

// The runtime names its server GC threads ".NET Server GC": none under workstation GC.
static int ServerGcThreads(int pid) =>
    Directory.GetDirectories($"/proc/{pid}/task").Count(task => File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Server GC", StringComparison.Ordinal));

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

/// <summary>
/// One sample of the worker's memory, in MB: resident (VmRSS), peak resident (VmHWM), managed heap in use, managed heap
/// after the last GC, and the GC's committed memory after the last GC.
/// </summary>
internal sealed record Sample(int Runs, double RssMb, double PeakMb, double HeapMb, double LiveMb, double CommittedMb);

/// <summary>What a batch of runs ended as, and how long each submission took.</summary>
internal sealed class Batch
{
    private readonly ConcurrentDictionary<string, int> _statuses = new(StringComparer.Ordinal);

    public ConcurrentBag<double> Latencies { get; } = [];

    public string? FirstError { get; private set; }

    public void Ended(string status, string? error)
    {
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (error is not null)
        {
            FirstError ??= error;
        }
    }

    public string Describe() => string.Join(", ", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
}
