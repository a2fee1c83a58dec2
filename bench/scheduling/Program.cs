using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Bench.Scheduling;
using static StackGres.Ops.Bench.Scheduling.BenchSupport;
using StackGres.Ops.Jobs.Clusters.Local;

// Scheduling benchmarks of issue 4, run against real worker processes and a real PostgreSQL:
//   latency  — from the API's 202 to the job runner's first line, p50/p99 over N runs, for a run
//              executed by the replica that accepted it and for one accepted by an API-only replica
//   scale    — 10,000 clusters (or the third argument's number) with 2 windows each: start-up to ready, recurring
//              jobs written, peak memory, time of GET /api/v1/clusters
// Usage: [all|latency|scale] [runs] [clusters]
var mode = args.FirstOrDefault() ?? "all";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var clusters = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;
if (mode is not ("all" or "latency" or "scale") || runs < 1 || clusters < 1)
{
    Console.Error.WriteLine("usage: [all|latency|scale] [runs] [clusters]");
    return 2;
}

var repo = FindRepository();
var workerDll = Path.Combine(repo, "src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll");
if (!File.Exists(workerDll))
{
    Console.Error.WriteLine($"build the worker first: dotnet build {Path.Combine(repo, "src/Worker")} -c Release");
    return 2;
}

var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-bench-scheduling");
if (Directory.Exists(root))
{
    Directory.Delete(root, true);
}

await using var server = await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
{
    DataDirectory = Path.Combine(root, "data"),
    Password = Guid.NewGuid().ToString("N"),
    Settings = new Dictionary<string, string> { ["max_connections"] = "300" },
}, PostgresBinaries.Locate(), CancellationToken.None);
var token = Guid.NewGuid().ToString("N");
Environment.SetEnvironmentVariable("BENCH_PGPASSWORD", server.Password);

if (mode is "all" or "latency")
{
    await LatencyAsync();
}

if (mode is "all" or "scale")
{
    await ScaleAsync();
}

return 0;

async Task LatencyAsync()
{
    await server.CreateDatabaseAsync("storage_latency", CancellationToken.None);
    await server.CreateDatabaseAsync("cluster", CancellationToken.None);
    await using (var setup = new NpgsqlConnection(server.ConnectionString("cluster")))
    {
        await setup.OpenAsync();
        await new NpgsqlCommand("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 1000)", setup).ExecuteNonQueryAsync();
    }

    var environment = BaseEnvironment("storage_latency");
    environment["Ops__Clusters__bench__Host"] = server.Host;
    environment["Ops__Clusters__bench__Port"] = server.Port.ToString(CultureInfo.InvariantCulture);
    environment["Ops__Clusters__bench__Database"] = "cluster";
    environment["Ops__Clusters__bench__PasswordEnv"] = "BENCH_PGPASSWORD";
    await using var executing = WorkerProcess.Start(workerDll, root, FreePort(), environment);
    await using var apiOnly = WorkerProcess.Start(workerDll, root, FreePort(),
        new Dictionary<string, string>(environment) { ["Ops__Scheduler__ServerEnabled"] = "false" });
    await WorkerProcess.WaitReadyAsync(executing.Url, TimeSpan.FromSeconds(60));
    await WorkerProcess.WaitReadyAsync(apiOnly.Url, TimeSpan.FromSeconds(60));

    foreach (var (name, url) in new[] { ("same replica", executing.Url), ("API-only replica → other replica", apiOnly.Url) })
    {
        var latencies = new List<double>();
        using var http = Client(url);
        for (var i = 0; i < runs; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs",
                new { cluster = "bench", operation = "vacuum", parameters = new { tables = new[] { "t" } } });
            var accepted = DateTimeOffset.UtcNow;
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var firstLine = await WaitFirstRunnerLineAsync(http, id!);
            latencies.Add((firstLine - accepted).TotalMilliseconds);
        }

        latencies.Sort();
        Console.WriteLine($"latency {name}: n={runs} p50={Percentile(latencies, 0.5):F0} ms p99={Percentile(latencies, 0.99):F0} ms max={latencies[^1]:F0} ms");
    }
}

async Task ScaleAsync()
{
    await server.CreateDatabaseAsync("storage_scale", CancellationToken.None);
    // The inventory as one JSON file (Ops:InventoryFile), the windows in appsettings.
    var inventory = new StringBuilder();
    inventory.Append("{\"Clusters\":{");
    for (var i = 1; i <= clusters; i++)
    {
        inventory.Append(CultureInfo.InvariantCulture, $"{(i > 1 ? "," : string.Empty)}\"c{i:D5}\":{{\"Host\":\"10.0.{i / 250}.{i % 250}\",\"Database\":\"app\",\"Labels\":{{\"env\":\"prod\"}},\"PasswordEnv\":\"BENCH_PGPASSWORD\"}}");
    }

    inventory.Append("}}");
    var directory = Path.Combine(root, "scale");
    Directory.CreateDirectory(directory);
    var inventoryPath = Path.Combine(directory, "inventory.json");
    await File.WriteAllTextAsync(inventoryPath, inventory.ToString());
    var settings = new StringBuilder();
    settings.Append(CultureInfo.InvariantCulture, $"{{\"Ops\":{{\"InventoryFile\":\"{inventoryPath}\",\"Windows\":{{");
    settings.Append("\"nightly\":{\"Cron\":\"0 2 * * *\",\"Duration\":\"02:00:00\",\"TimeZone\":\"Europe/Madrid\",\"ClusterSelector\":{\"env\":\"prod\"},\"Operations\":[{\"Operation\":\"vacuum\",\"Parameters\":{\"analyze\":true}}]},");
    settings.Append("\"weekly\":{\"Cron\":\"0 5 * * 0\",\"Duration\":\"03:00:00\",\"TimeZone\":\"Europe/Madrid\",\"ClusterSelector\":{\"env\":\"prod\"},\"Operations\":[{\"Operation\":\"vacuum\",\"Parameters\":{\"freeze\":true}}]}");
    settings.Append("}}}");
    await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.Bench.json"), settings.ToString());

    var environment = BaseEnvironment("storage_scale");
    environment["DOTNET_ENVIRONMENT"] = "Bench";
    // The lines of the latency run's workers ("... synchronized: 0 recurring job(s)") must not be taken for this one's.
    WorkerProcess.Lines.Clear();
    var clock = Stopwatch.StartNew();
    await using var worker = WorkerProcess.Start(workerDll, directory, FreePort(), environment);
    await WorkerProcess.WaitReadyAsync(worker.Url, TimeSpan.FromMinutes(5));
    var ready = clock.Elapsed;
    var synchronizedLine = await WaitForLineAsync("Maintenance windows synchronized", TimeSpan.FromMinutes(10));
    var synchronized = clock.Elapsed;
    using var http = Client(worker.Url);
    var list = Stopwatch.StartNew();
    var body = await http.GetStringAsync("/api/v1/clusters");
    var listTime = list.Elapsed;
    var one = Stopwatch.StartNew();
    var middle = string.Create(CultureInfo.InvariantCulture, $"c{Math.Max(1, clusters / 2):D5}");
    await http.GetStringAsync($"/api/v1/clusters/{middle}");
    var oneTime = one.Elapsed;
    Console.WriteLine($"scale: {clusters} clusters x 2 windows: ready in {ready.TotalSeconds:F1} s; {synchronizedLine.Trim()} after {synchronized.TotalSeconds:F1} s; " +
                      $"peak memory {worker.PeakMemoryMegabytes():F0} MB; GET /api/v1/clusters {listTime.TotalMilliseconds:F0} ms ({body.Length / 1024} KB); " +
                      $"GET /api/v1/clusters/{middle} {oneTime.TotalMilliseconds:F0} ms");
}

Dictionary<string, string> BaseEnvironment(string storage) => new()
{
    ["ConnectionStrings__Ops"] = server.ConnectionString(storage),
    ["OPS_API_TOKEN"] = token,
    ["Serilog__MinimumLevel__Default"] = "Information",
    ["Ops__Logging__Format"] = "text",
};

HttpClient Client(string url)
{
    var http = new HttpClient { BaseAddress = new Uri(url) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return http;
}

static async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (DateTime.UtcNow < deadline)
    {
        if (WorkerProcess.Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
        {
            return line;
        }

        await Task.Delay(100);
    }

    throw new TimeoutException(text);
}

static async Task<DateTimeOffset> WaitFirstRunnerLineAsync(HttpClient http, string id)
{
    while (true)
    {
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}");
        var status = run.GetProperty("status").GetString();
        if (status is "succeeded" or "failed" or "cancelled" or "skipped")
        {
            var lines = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}/logs");
            return lines[0].GetProperty("time").GetDateTimeOffset();
        }

        await Task.Delay(20);
    }
}
