using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution.Local;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// Runs the job runner as a local process: the embedded default and what tests use. The request
/// travels in the environment, the password in $PGPASSWORD, never on the command line. The runner
/// lives in its own session and writes its output to files (<see cref="RunnerDirectory"/>), not to
/// pipes: a worker that dies leaves it running, and the worker that takes the run over re-attaches
/// to it, relays what it wrote since, and records its result, the same as with a Kubernetes Job.
/// </summary>
public sealed class LocalProcessExecutor(
    RunnerLocator locator,
    IOptions<ExecutorOptions> options,
    TimeProvider clock,
    ILogger<LocalProcessExecutor> logger) : IOperationExecutor
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public string Name => "local";

    public async Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IRunEventSink events, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(request.Run.RunId);
        Process? started = null;
        var reattached = directory.HasRunner;
        if (reattached)
        {
            Log.RunnerReattached(logger, request.Run.RunId, directory.Path);
        }
        else
        {
            started = Start(request, directory);
        }

        try
        {
            return await WatchAsync(request, directory, started, reattached, events, cancellationToken);
        }
        finally
        {
            started?.Dispose();
        }
    }

    public Task ForgetAsync(Guid runId, CancellationToken cancellationToken)
    {
        DirectoryOf(runId).Delete();
        return Task.CompletedTask;
    }

    private RunnerDirectory DirectoryOf(Guid runId) =>
        new(Path.Combine(options.Value.RunDirectory ?? Path.Combine(Path.GetTempPath(), "stackgres-ops-runs"), runId.ToString("D")));

    private Process Start(ExecutionRequest request, RunnerDirectory directory)
    {
        var startInfo = directory.Prepare(locator.CreateStartInfo());
        startInfo.Environment.Clear();
        var environment = RunnerEnvironment.Build(request.Run, JsonSerializer.Serialize(request.Run, OpsJson.Options),
            request.Cluster.ReadPassword(), Environment.GetEnvironmentVariables());
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"The job runner {startInfo.FileName} did not start.");
        Log.RunnerStarted(logger, process.Id);
        return process;
    }

    private async Task<ExecutionOutcome> WatchAsync(
        ExecutionRequest request, RunnerDirectory directory, Process? started, bool reattached, IRunEventSink events, CancellationToken cancellationToken)
    {
        var relay = new RunnerEventRelay(events, clock);
        var (outputOffset, errorOffset) = directory.ReadRelayed();
        var output = new OutputTail(directory.StandardOutput, outputOffset);
        var error = new OutputTail(directory.StandardError, errorOffset);
        string? lastError = null;
        var cancelled = false;
        DateTimeOffset? killAt = null;
        while (true)
        {
            var ended = HasEnded(directory, started);
            lastError = await RelayAsync(directory, output, error, relay, ended, lastError);
            if (ended)
            {
                var code = directory.ReadExitCode();
                Log.RunnerExited(logger, directory.ReadProcessIds()?.Runner ?? 0, code ?? -1);
                var outcome = relay.ToOutcome(code ?? 137, cancelled, lastError);
                if (relay.Result is not null || cancelled)
                {
                    return outcome;
                }

                // No result: when it died unwatched (its worker had died), what it did is unknown and
                // the worker decides whether the run may start again.
                return outcome with
                {
                    Orphaned = reattached,
                    Error = code is null ? "The job runner was killed without a result." : outcome.Error,
                };
            }

            if (cancellationToken.IsCancellationRequested && !cancelled)
            {
                if (request.WorkerStopping.IsCancellationRequested)
                {
                    Log.RunnerDetached(logger, request.Run.RunId, directory.Path);
                    return ExecutionOutcome.Detached("The worker stopped; the local runner keeps running and the next worker re-attaches to it.");
                }

                cancelled = true;
                killAt = clock.GetUtcNow() + options.Value.CancelGracePeriod;
                if (directory.ReadProcessIds() is { } ids)
                {
                    PosixSignals.TryTerminate(ids.Runner);
                }
            }

            if (killAt is { } deadline && clock.GetUtcNow() >= deadline && directory.ReadProcessIds() is { } group)
            {
                Log.RunnerKilled(logger, group.Runner, options.Value.CancelGracePeriod);
                PosixSignals.TryKillGroup(group.Group);
                killAt = null;
            }

            await WaitAsync(started);
        }
    }

    /// <summary>Whether the runner has ended: its wrapper wrote the exit code, or the wrapper is gone (it was killed).</summary>
    private static bool HasEnded(RunnerDirectory directory, Process? started) =>
        directory.ReadExitCode() is not null ||
        (started is not null
            ? started.HasExited
            : directory.ReadProcessIds() is not { } ids || !directory.IsWrapperAlive(ids.Group));

    private static async Task<string?> RelayAsync(
        RunnerDirectory directory, OutputTail output, OutputTail error, RunnerEventRelay relay, bool final, string? lastError)
    {
        foreach (var (line, _) in output.ReadLines(final))
        {
            await relay.RelayLineAsync(line, "info", CancellationToken.None);
            directory.WriteRelayed(output.Offset, error.Offset);
        }

        foreach (var (line, _) in error.ReadLines(final))
        {
            lastError = line.Length > 0 ? line : lastError;
            await relay.RelayLineAsync(line, "error", CancellationToken.None);
            directory.WriteRelayed(output.Offset, error.Offset);
        }
        return lastError;
    }

    private static async Task WaitAsync(Process? started)
    {
        using var poll = new CancellationTokenSource(PollInterval);
        try
        {
            if (started is not null)
            {
                await started.WaitForExitAsync(poll.Token);
            }
            else
            {
                await Task.Delay(PollInterval, poll.Token);
            }
        }
        catch (OperationCanceledException) when (poll.IsCancellationRequested)
        {
        }
    }
}
