using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Diagnostics;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>
/// Takes one recorded run to its end, whoever asked for it (the API's Hangfire job or a window):
/// waits for the cluster's slot when the operation is heavy, refuses to start when the window has
/// less time left than the operation needs, stops it when the window closes or a cancel is asked,
/// and records the outcome. Reentrant: a finished run is left alone, an interrupted one runs again.
/// </summary>
public sealed class RunExecutor(
    RunStore store,
    ClusterInventory inventory,
    OperationCatalog catalog,
    IOperationExecutor executor,
    BackendCanceller backendCanceller,
    ClusterSlots slots,
    OpsMetrics metrics,
    HealthFindingMetrics healthMetrics,
    IOptions<ExecutorOptions> executorOptions,
    TimeProvider clock,
    ILogger<RunExecutor> logger)
{
    public async Task<RunStatus> ExecuteAsync(Guid runId, TimeSpan? estimate, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(runId, cancellationToken);
        if (run is null)
        {
            Log.RunMissing(logger, runId);
            return RunStatus.Failed;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["RunId"] = run.Id,
            ["Cluster"] = run.Cluster,
            ["Operation"] = run.Operation,
            ["Executor"] = executor.Name,
        });
        if (run.Status.IsTerminal())
        {
            Log.RunAlreadyFinished(logger, run.Id, run.Status.ToWireName());
            return run.Status;
        }

        if (!inventory.TryGet(run.Cluster, out var cluster))
        {
            return await EndAsync(run, RunStatus.Failed, $"Cluster '{run.Cluster}' is no longer in the inventory.", wasRunning: false);
        }

        var heavy = catalog.TryGet(run.Operation, out var operation) && operation.IsHeavy;
        await using var slot = heavy ? await WaitForSlotAsync(run, cancellationToken) : null;
        if (heavy && slot is null)
        {
            var current = await store.GetAsync(run.Id, CancellationToken.None);
            return current?.CancelRequested == true
                ? await EndAsync(run, RunStatus.Cancelled, "Cancelled while waiting for the cluster.", wasRunning: false)
                : await EndAsync(run, RunStatus.Skipped,
                    $"The window closed at {run.DeadlineAt:u} while another heavy operation was still running on cluster '{run.Cluster}'.", wasRunning: false);
        }

        if (run.DeadlineAt is { } deadline && await TooLittleTimeAsync(run, deadline, estimate, cancellationToken) is { } reason)
        {
            return await EndAsync(run, RunStatus.Skipped, reason, wasRunning: false);
        }

        if (!await store.TryStartAsync(run.Id, executor.Name, cancellationToken))
        {
            return await EndAsync(run, RunStatus.Cancelled, "Cancelled before it started.", wasRunning: false);
        }

        Log.RunStarted(logger, run.Id, run.Operation, run.Cluster);
        metrics.Started(run.Operation, run.Cluster);
        var startedAt = clock.GetUtcNow();
        var outcome = await ExecuteAsync(run, cluster, cancellationToken);
        if (cancellationToken.IsCancellationRequested && !await store.IsCancelRequestedAsync(run.Id, CancellationToken.None))
        {
            // The worker is shutting down and nobody asked to cancel: Hangfire hands the job out
            // again after a restart, and the run goes on from the start.
            Log.RunInterrupted(logger, run.Id);
            metrics.Ended(run.Operation, run.Cluster, RunStatus.Cancelled, null, wasRunning: true);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var error = outcome.Status == RunStatus.Cancelled && run.DeadlineAt is { } closes && clock.GetUtcNow() >= closes &&
                    !await store.IsCancelRequestedAsync(run.Id, CancellationToken.None)
            ? $"Cancelled at the end of the maintenance window ({closes:u}); {outcome.Error}"
            : outcome.Error;
        await store.FinishAsync(run.Id, outcome.Status, error, outcome.Result, CancellationToken.None);
        metrics.Ended(run.Operation, run.Cluster, outcome.Status, clock.GetUtcNow() - startedAt, wasRunning: true);
        if (outcome.Status == RunStatus.Succeeded && run.Operation == HealthCheckOperation.OperationName && outcome.Result is { } result)
        {
            healthMetrics.Record(run.Cluster, result);
        }

        Log.RunFinished(logger, run.Id, outcome.Status.ToWireName(), error ?? string.Empty);
        return outcome.Status;
    }

    private async Task<RunStatus> EndAsync(RunRecord run, RunStatus status, string reason, bool wasRunning)
    {
        await store.FinishAsync(run.Id, status, reason, null, CancellationToken.None);
        await store.AppendLogAsync(run.Id, clock.GetUtcNow(), status == RunStatus.Failed ? "error" : "info", reason, CancellationToken.None);
        metrics.Ended(run.Operation, run.Cluster, status, null, wasRunning);
        Log.RunFinished(logger, run.Id, status.ToWireName(), reason);
        return status;
    }

    /// <summary>Waits for the cluster's slot; null when the run was cancelled or its window closed meanwhile.</summary>
    private async Task<ClusterSlot?> WaitForSlotAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var told = false;
        while (true)
        {
            if (await slots.TryAcquireAsync(run.Cluster, cancellationToken) is { } slot)
            {
                return slot;
            }

            if (!told)
            {
                told = true;
                await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "info",
                    $"Waiting: another heavy operation is running on cluster '{run.Cluster}'.", cancellationToken);
            }

            await Task.Delay(executorOptions.Value.CancelPollInterval, clock, cancellationToken);
            if (await store.IsCancelRequestedAsync(run.Id, cancellationToken) || clock.GetUtcNow() >= run.DeadlineAt)
            {
                return null;
            }
        }
    }

    private async Task<string?> TooLittleTimeAsync(RunRecord run, DateTimeOffset deadline, TimeSpan? configured, CancellationToken cancellationToken)
    {
        var history = await store.EstimateAsync(run.Cluster, run.Operation, cancellationToken);
        var (needed, source) = history is { } fromHistory
            ? (fromHistory, "the longest of its last successful runs on this cluster")
            : configured is { } fromConfiguration
                ? (fromConfiguration, "the window's estimate; no history yet")
                : (WindowsOptions.DefaultEstimate, "a conservative default; no history yet");
        var left = deadline - clock.GetUtcNow();
        return left >= needed
            ? null
            : $"Not started: {run.Operation} needs about {Format(needed)} ({source}) and the window has {Format(left)} left (closes {deadline:u}).";
    }

    private static string Format(TimeSpan span) => span <= TimeSpan.Zero ? "no time" : span.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ExecutionOutcome> ExecuteAsync(RunRecord run, ClusterDefinition cluster, CancellationToken cancellationToken)
    {
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (run.DeadlineAt is { } deadline)
        {
            runCancellation.CancelAfter(Max(deadline - clock.GetUtcNow(), TimeSpan.Zero));
        }

        using var watcherStop = new CancellationTokenSource();
        var watcher = WatchForCancelAsync(run.Id, runCancellation, watcherStop.Token);
        var request = new RunRequest
        {
            RunId = run.Id,
            Operation = run.Operation,
            Parameters = run.Parameters,
            DryRun = run.DryRun,
            Cluster = cluster.ToConnection(run.Cluster),
        };
        ExecutionOutcome? outcome = null;
        try
        {
            var recorder = new RunEventRecorder(run.Id, store, logger);
            var execution = new ExecutionRequest(request, cluster) { Deadline = run.DeadlineAt, WorkerStopping = cancellationToken };
            outcome = await executor.ExecuteAsync(execution, recorder, runCancellation.Token);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ExecutorFailed(logger, run.Id, e);
            return new ExecutionOutcome(RunStatus.Failed, null, $"The {executor.Name} executor failed: {e.Message}");
        }
        finally
        {
            await watcherStop.CancelAsync();
            await watcher;
            // A runner left running for the next worker keeps its backends.
            if (outcome is not { LeftRunning: true })
            {
                await backendCanceller.CancelAsync(run.Id, cluster, CancellationToken.None);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Polls the run record, so that a cancel accepted by any replica reaches the one running it.</summary>
    private async Task WatchForCancelAsync(Guid runId, CancellationTokenSource runCancellation, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(executorOptions.Value.CancelPollInterval, stop);
                if (await store.IsCancelRequestedAsync(runId, stop))
                {
                    Log.RunCancelRequested(logger, runId);
                    await runCancellation.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
