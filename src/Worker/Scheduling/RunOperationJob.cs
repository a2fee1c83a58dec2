using System.ComponentModel;
using Hangfire;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Runs;
using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>
/// The Hangfire job behind every run. It carries only the run id, reloads the run, and is
/// reentrant: a finished run is left alone, and a run interrupted by a worker restart runs again.
/// </summary>
public sealed class RunOperationJob(
    RunStore store,
    ClusterInventory inventory,
    IOperationExecutor executor,
    BackendCanceller backendCanceller,
    IOptions<ExecutorOptions> executorOptions,
    ILogger<RunOperationJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("run {0}")]
    public async Task ExecuteAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(runId, cancellationToken);
        if (run is null)
        {
            Log.RunMissing(logger, runId);
            return;
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
            return;
        }

        if (!inventory.TryGet(run.Cluster, out var cluster))
        {
            await store.FinishAsync(run.Id, RunStatus.Failed, $"Cluster '{run.Cluster}' is no longer in the inventory.", null, cancellationToken);
            return;
        }

        if (!await store.TryStartAsync(run.Id, executor.Name, cancellationToken))
        {
            await store.FinishAsync(run.Id, RunStatus.Cancelled, "Cancelled before it started.", null, cancellationToken);
            return;
        }

        Log.RunStarted(logger, run.Id, run.Operation, run.Cluster);
        var outcome = await ExecuteAsync(run, cluster, cancellationToken);
        if (cancellationToken.IsCancellationRequested && !await store.IsCancelRequestedAsync(run.Id, CancellationToken.None))
        {
            // The worker is shutting down, nobody asked to cancel: Hangfire hands the job out again
            // after a restart, and the run goes on from the start.
            Log.RunInterrupted(logger, run.Id);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await store.FinishAsync(run.Id, outcome.Status, outcome.Error, outcome.Result, CancellationToken.None);
        Log.RunFinished(logger, run.Id, outcome.Status.ToWireName(), outcome.Error ?? string.Empty);
    }

    private async Task<ExecutionOutcome> ExecuteAsync(RunRecord run, ClusterDefinition cluster, CancellationToken cancellationToken)
    {
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
        try
        {
            var recorder = new RunEventRecorder(run.Id, store, logger);
            return await executor.ExecuteAsync(new ExecutionRequest(request, cluster), recorder, runCancellation.Token);
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
            await backendCanceller.CancelAsync(run.Id, cluster, CancellationToken.None);
        }
    }

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
