using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;

// Client impact of the rolling operations (issue 8): a local primary with two streaming replicas (fsync on), the
// real job runner as the worker starts it, a client writing all along (measureWrites). Each round runs a switchover,
// a rolling restart ending in a switchover, and a rolling restart that restarts the primary in place (what a plain
// `pg_ctl restart` of the primary costs the clients), and reports commits lost and the longest time without a write.
// Then the same switchover and rolling restart on three real Patroni members, asked through Patroni's REST API.
// Usage: [rounds] [runner dll] [both|local|patroni] [all|switchover]: the third keeps only the local cluster's or only
// Patroni's scenarios, the fourth only the switchovers.
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var runner = Path.GetFullPath(args.Length > 1 ? args[1] : "src/Jobs/bin/Release/net10.0/StackGres.Ops.Jobs.dll");
var clusters = args.Length > 2 ? args[2] : "both";
var kept = args.Length > 3 ? args[3] : "all";
if (rounds < 1 || clusters is not ("both" or "local" or "patroni") || kept is not ("all" or "switchover"))
{
    Console.Error.WriteLine("usage: [rounds] [runner dll] [both|local|patroni] [all|switchover]");
    return 2;
}

var figures = new Dictionary<string, List<(double Seconds, double Gap, long Lost, long Committed)>>(StringComparer.Ordinal);
if (clusters is "both" or "local")
{
    await LocalRoundsAsync();
}

if (clusters is "both" or "patroni")
{
    await PatroniRoundsAsync();
}

Console.WriteLine();
Console.WriteLine("| scenario | run (median) | longest time without a write: median / max | commits lost (all rounds) | commits acknowledged (all rounds) |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var (name, rows) in figures)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Median(rows.Select(r => r.Seconds)):0.00} s | {Median(rows.Select(r => r.Gap)):0.000} s / {rows.Max(r => r.Gap):0.000} s | {rows.Sum(r => r.Lost)} | {rows.Sum(r => r.Committed)} |"));
}

return 0;

async Task LocalRoundsAsync()
{
    var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    await using var cluster = await LocalClusterProvisioner.StartAsync(
        new LocalClusterOptions
        {
            RootDirectory = Path.Combine(Path.GetTempPath(), "stackgres-ops-bench-rolling-" + Guid.NewGuid().ToString("N")),
            Replicas = 2,
            Password = password,
            RelaxedDurability = false,
        },
        PostgresBinaries.Locate(),
        CancellationToken.None);
    var instances = cluster.ToInstances();
    var connection = new ClusterConnection
    {
        Name = "bench",
        Host = string.Join(',', instances.Select(i => $"{i.Host}:{i.Port}")),
        Username = "postgres",
        SslMode = SslMode.Disable,
        Instances = instances,
    };
    Console.WriteLine($"cluster: {string.Join(", ", instances.Select(i => $"{i.Name} {i.Host}:{i.Port}"))}; fsync on; {rounds} rounds; runner {Path.GetFileName(runner)}");

    (string Name, string Operation, object Parameters)[] scenarios =
    [
        ("switchover", "switchover", new { measureWrites = true }),
        ("rolling-restart (switchover)", "rolling-restart", new { measureWrites = true }),
        ("rolling-restart (primary restarted in place)", "rolling-restart", new { measureWrites = true, primaryUpdateMethod = "restart" }),
    ];
    await RoundsAsync(scenarios, connection, password);
}

async Task PatroniRoundsAsync()
{
    await using var patroni = await LocalPatroniCluster.StartAsync(CancellationToken.None);
    Console.WriteLine($"patroni: {string.Join(", ", patroni.Members.Select(m => $"{m.Name} api :{m.Api} postgres :{m.Postgres}"))}; loop_wait 1");
    (string Name, string Operation, object Parameters)[] patroniScenarios =
    [
        ("Patroni: switchover (POST /switchover)", "switchover", new { measureWrites = true }),
        ("Patroni: rolling-restart (POST /restart, then /switchover)", "rolling-restart", new { measureWrites = true }),
    ];
    await RoundsAsync(patroniScenarios, patroni.Connection, patroni.Password);
}

async Task RoundsAsync((string Name, string Operation, object Parameters)[] scenarioList, ClusterConnection target, string secret)
{
    scenarioList = kept == "switchover" ? scenarioList.Where(s => s.Operation == "switchover").ToArray() : scenarioList;
    foreach (var (name, _, _) in scenarioList)
    {
        figures[name] = [];
    }

    for (var round = 1; round <= rounds; round++)
    {
        foreach (var (name, operation, parameters) in scenarioList)
        {
            var result = await RunAsync(operation, parameters, target, secret);
            var writes = result.GetProperty("writes");
            var row = (result.GetProperty("seconds").GetDouble(), writes.GetProperty("longestGapSeconds").GetDouble(),
                writes.GetProperty("lost").GetInt64(), writes.GetProperty("committed").GetInt64());
            figures[name].Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round} {name,-58} {row.Item1,6:0.00} s  longest gap {row.Item2,6:0.000} s  lost {row.Item3}  committed {row.Item4}  primary now {result.GetProperty("primaryAfter").GetString()}"));
        }
    }
}

async Task<JsonElement> RunAsync(string operation, object parameters, ClusterConnection target, string secret)
{
    var request = new RunRequest
    {
        RunId = Guid.CreateVersion7(),
        Operation = operation,
        Parameters = JsonSerializer.SerializeToElement(parameters),
        Cluster = target,
    };
    var start = new ProcessStartInfo("dotnet", [runner]) { RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment[RunRequest.EnvironmentVariable] = JsonSerializer.Serialize(request, OpsJson.Options);
    start.Environment[RunRequest.PasswordVariable] = secret;
    using var process = Process.Start(start)!;
    var errors = process.StandardError.ReadToEndAsync();
    JsonElement? result = null;
    string? failure = null;
    while (await process.StandardOutput.ReadLineAsync() is { } line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.GetProperty("type").GetString() == "result")
        {
            failure = root.TryGetProperty("error", out var error) ? error.GetString() : null;
            result = root.TryGetProperty("result", out var value) ? value.Clone() : null;
        }
    }

    await process.WaitForExitAsync();
    if (process.ExitCode != 0 || result is null)
    {
        throw new InvalidOperationException($"{operation} failed (exit code {process.ExitCode}): {failure} {await errors}");
    }

    return result.Value;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
