using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// What every rolling operation shares, however it restarts instances (pg_ctl on this machine, or Patroni's REST
/// API): the steps it records and logs, the client write probe, and how a stop is told — with the primary that
/// serves writes afterwards and the instances left untouched.
/// </summary>
public sealed class RollJournal(string operation, RollingParameters parameters, OperationContext context)
{
    private readonly List<RollStep> steps = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private WriteProbeResult? writes;

    public string Operation => operation;

    public string? PrimaryBefore { get; set; }

    public IReadOnlyList<Clusters.Topology.InstanceView> Before { get; set; } = [];

    public string? TargetVersion { get; set; }

    /// <summary>
    /// Runs <paramref name="roll"/> with the write probe around it (through <paramref name="probeHosts"/>) and turns a
    /// <see cref="RollFailedException"/> or a cancel into a result that says what was done and what is left.
    /// </summary>
    public async Task<RollingResult> RunAsync(IReadOnlyList<string> instanceNames, IReadOnlyList<string> probeHosts,
        Func<CancellationToken, Task> roll, Func<CancellationToken, Task<ClusterState>> readState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roll);
        ArgumentNullException.ThrowIfNull(readState);
        await using var probe = parameters.MeasureClientWrites && !context.DryRun
            ? await StartProbeAsync(probeHosts, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            await roll(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RollFailedException || e is OperationFailedException { PartialResult: null })
        {
            writes = await StopProbeAsync(probe).ConfigureAwait(false);
            var stopped = DescribeStop(e.Message, instanceNames, await readState(CancellationToken.None).ConfigureAwait(false));
            context.Events.Log(LogLevel.Error, stopped.StoppedBecause!);
            throw new OperationFailedException(stopped.StoppedBecause!, stopped);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            writes = await StopProbeAsync(probe).ConfigureAwait(false);
            var stopped = DescribeStop("Cancelled between two steps; no instance was left down.", instanceNames,
                await readState(CancellationToken.None).ConfigureAwait(false));
            throw new OperationCancelledException(stopped, e, cancellationToken);
        }

        writes = await StopProbeAsync(probe).ConfigureAwait(false);
        var end = await readState(cancellationToken).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information, $"Done in {clock.Elapsed.TotalSeconds:0.0} s: {end.Description}");
        return Result(end, stoppedBecause: null);
    }

    public RollStep Begin(string instance, string action, string role, string? detail = null)
    {
        var step = new RollStep { Instance = instance, Action = action, Role = role, StartedAt = DateTimeOffset.UtcNow, Detail = detail };
        steps.Add(step);
        return step;
    }

    public void End(RollStep step, string detail, double? downSeconds, string outcome = "done")
    {
        ArgumentNullException.ThrowIfNull(step);
        var index = steps.IndexOf(step);
        steps[index] = step with { EndedAt = DateTimeOffset.UtcNow, Detail = detail, DownSeconds = downSeconds, Outcome = outcome };
        context.Events.Log(outcome == "failed" ? LogLevel.Error : LogLevel.Information, $"{step.Instance}: {step.Action} {outcome}: {detail}");
    }

    public void Skip(string instance, string role, string reason) => End(Begin(instance, "skip", role), reason, downSeconds: null, "skipped");

    public void Progress(string phase, int done, int total) =>
        context.Events.Progress(new RunProgress { Phase = phase, Done = done, Total = total });

    private async Task<WriteProbe> StartProbeAsync(IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        var cluster = context.Connector.Cluster;
        var everyInstance = cluster with { Host = string.Join(',', hosts) };
        context.Events.Log(LogLevel.Information, $"Writing into public.{RollingParameters.ProbeTable} of {cluster.Database} all along the roll");
        return await WriteProbe.StartAsync(everyInstance.ToConnectionString(context.Connector.Password), "public", RollingParameters.ProbeTable, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<WriteProbeResult?> StopProbeAsync(WriteProbe? probe)
    {
        if (probe is null)
        {
            return null;
        }

        try
        {
            var result = await probe.StopAsync(dropTable: true, CancellationToken.None).ConfigureAwait(false);
            context.Events.Log(result.Lost == 0 ? LogLevel.Information : LogLevel.Error,
                $"Client writes: {result.Committed} committed, {result.Lost} lost, {result.Failed} refused; longest time without a write {result.LongestGapSeconds:0.000} s");
            return result;
        }
        catch (NpgsqlException e)
        {
            context.Events.Log(LogLevel.Warning, $"Could not check the client writes afterwards: {e.Message}");
            return null;
        }
    }

    private RollingResult DescribeStop(string reason, IReadOnlyList<string> instanceNames, ClusterState end)
    {
        var serving = end.Primary is { } primary ? $"{primary} is the primary and accepts writes" : "NO instance accepts writes";
        foreach (var unfinished in steps.Where(s => s.Outcome == "running").ToArray())
        {
            End(unfinished, reason, downSeconds: null, "failed");
        }

        var untouched = instanceNames.Where(name => steps.All(s => s.Instance != name)).ToArray();
        var message = $"{operation} stopped: {reason.TrimEnd().TrimEnd('.')}. Now {serving}; {end.Description}." +
            (untouched.Length > 0 ? $" Not touched: {string.Join(", ", untouched)}." : string.Empty);
        return Result(end, message);
    }

    private RollingResult Result(ClusterState end, string? stoppedBecause) => new()
    {
        Operation = operation,
        DryRun = context.DryRun,
        PrimaryBefore = PrimaryBefore,
        PrimaryAfter = end.Primary,
        Steps = steps.ToArray(),
        Before = Before,
        After = end.Instances,
        BinDirectory = parameters.TargetBinDirectory,
        TargetVersion = TargetVersion,
        Image = parameters.TargetImage,
        StoppedBecause = stoppedBecause,
        Writes = writes,
        Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
    };
}
