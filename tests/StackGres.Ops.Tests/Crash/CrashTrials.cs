using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The crash trials' common part: a chain of worker processes sharing one storage; each trial
/// submits a run, kills the current worker with SIGKILL after a seeded random delay, starts the
/// next worker, and waits for the run to be resolved. What a trial must find afterwards (the
/// operation done at most once) is the caller's to check.
/// </summary>
public sealed class CrashTrials(
    WorkerFactory settings, IReadOnlyDictionary<string, string> extraEnvironment, Func<string, Task<long>> backendsNamed, int seed) : IAsyncDisposable
{
    /// <summary>Short leases, so that a take-over comes within seconds; the bound checked is the lease plus the poll plus a worker's start-up.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);

    private readonly Random random = new(seed);
    private readonly List<string> table = [];
    private readonly string runDirectory = Directory.CreateTempSubdirectory("sgops-crash-runs-").FullName;
    private WorkerProcess? current;

    public IReadOnlyList<TimeSpan> Resolutions => resolutions;

    /// <summary>A client of the worker that is running now, for the trial's own checks.</summary>
    public HttpClient Http => current?.Http ?? throw new InvalidOperationException("No worker runs before the first trial.");

    private readonly List<TimeSpan> resolutions = [];

    /// <summary>One trial: <paramref name="submit"/> returns the run id; after the kill, <paramref name="afterKill"/> runs (releasing what held the run up).</summary>
    public async Task<JsonElement> RunAsync(string label, int maxDelayMilliseconds, Func<HttpClient, Task<Guid>> submit, Func<Task>? afterKill = null)
    {
        current ??= await StartAsync();
        var runId = await submit(current.Http);
        var delay = random.Next(0, maxDelayMilliseconds);
        await Task.Delay(delay, TestContext.Current.CancellationToken);
        var statusAtKill = (await WorkerFactory.GetRunAsync(current.Http, runId)).GetProperty("status").GetString();
        var killed = Stopwatch.StartNew();
        var killedAt = DateTimeOffset.UtcNow;
        await current.KillAsync();
        await current.DisposeAsync();
        current = null;
        if (afterKill is not null)
        {
            await afterKill();
        }

        current = await StartAsync();
        var run = await WorkerFactory.WaitForRunAsync(current.Http, runId, TimeSpan.FromSeconds(120));
        var resolution = killed.Elapsed;
        resolutions.Add(resolution);
        var status = run.GetProperty("status").GetString();
        var inHand = await InHandAsync(runId, run) - killedAt;
        table.Add(string.Create(CultureInfo.InvariantCulture,
            $"{label,-14} kill after {delay,5} ms ({statusAtKill,-7}) -> {status,-9} in hand {inHand.TotalSeconds,5:0.0} s, resolved {resolution.TotalSeconds,5:0.0} s after the kill"));
        Assert.True(WorkerFactory.HasEnded(run), $"run {runId} not resolved: {run}\n{current.Tail}");
        // The bound is on the take-over; what the operation still had to do after it (a whole backup, for a run the
        // dead worker had only fetched) takes what it takes on this machine.
        Assert.True(inHand < TimeSpan.FromSeconds(60),
            $"run {runId} ({label}, {statusAtKill} when killed after {delay} ms) was taken in hand {inHand} after the kill, over the 60 s bound: {run}\n{await LogAsync(runId)}\n{current.Tail}");
        await AssertNothingLeftAsync(runId);
        return run;
    }

    /// <summary>
    /// When a live worker had the run in hand after the kill: its "Taken over by" line, else its start (a run the dead
    /// worker had not started), else its end.
    /// </summary>
    private async Task<DateTimeOffset> InHandAsync(Guid runId, JsonElement run)
    {
        var log = await current!.Http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/logs", TestContext.Current.CancellationToken);
        var takenOver = log.EnumerateArray()
            .Where(line => line.GetProperty("message").GetString()!.StartsWith("Taken over by worker ", StringComparison.Ordinal))
            .Select(line => (DateTimeOffset?)line.GetProperty("time").GetDateTimeOffset())
            .FirstOrDefault();
        return takenOver
               ?? (run.TryGetProperty("startedAt", out var started) ? started.GetDateTimeOffset() : run.GetProperty("finishedAt").GetDateTimeOffset());
    }

    /// <summary>The run's log, for messages.</summary>
    public async Task<string> LogAsync(Guid runId)
    {
        var log = await current!.Http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/logs", TestContext.Current.CancellationToken);
        return log.ToString();
    }

    /// <summary>The trials so far, one line each, with the median and longest time from kill to resolution.</summary>
    public string Report()
    {
        var sorted = resolutions.Order().ToArray();
        var text = new StringBuilder();
        foreach (var line in table)
        {
            text.AppendLine(line);
        }

        if (sorted.Length > 0)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{sorted.Length} trials: kill to resolution median {sorted[sorted.Length / 2].TotalSeconds:0.0} s, max {sorted[^1].TotalSeconds:0.0} s"));
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (current is not null)
        {
            await current.DisposeAsync();
        }

        Directory.Delete(runDirectory, recursive: true);
    }

    private Task<WorkerProcess> StartAsync()
    {
        var extra = new Dictionary<string, string>(extraEnvironment)
        {
            ["Ops:Scheduler:LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Ops:Scheduler:TakeoverPollInterval"] = "00:00:00.500",
            ["Ops:Executor:RunDirectory"] = runDirectory,
        };
        return WorkerProcess.StartAsync(settings, extra);
    }

    /// <summary>
    /// No runner process of the run left, and no backend of the run on the cluster. Each gets a few
    /// seconds: the runner's wrapper and its backends end just after the result they gave is recorded.
    /// </summary>
    private async Task AssertNothingLeftAsync(Guid runId)
    {
        await Db.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(runDirectory, runId.ToString("D")))),
            TimeSpan.FromSeconds(10), "the run's runner directory removed after its outcome was recorded");
        var left = RunnerProcesses(runId);
        for (var wait = 0; wait < 50 && left.Length > 0; wait++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            left = RunnerProcesses(runId);
        }

        Assert.True(left.Length == 0, $"runner processes left behind: {string.Join("; ", left)}");
        var backends = await backendsNamed(ApplicationNames.ForRun(runId));
        for (var wait = 0; wait < 50 && backends > 0; wait++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            backends = await backendsNamed(ApplicationNames.ForRun(runId));
        }

        Assert.True(backends == 0, $"{backends} backends of run {runId} left on the cluster");
    }

    private string[] RunnerProcesses(Guid runId) => Directory.EnumerateDirectories("/proc")
        .Select(d => Path.GetFileName(d))
        .Where(name => name.All(char.IsAsciiDigit))
        .Select(pid => $"{pid} {ReadCommandLine(pid)}")
        .Where(command => command.Contains(runDirectory, StringComparison.Ordinal) && command.Contains(runId.ToString("D"), StringComparison.Ordinal))
        .ToArray();

    internal static string ReadCommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
