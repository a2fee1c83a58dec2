using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Jobs.Operations.Verify;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Diagnostics;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Runs.Fleet;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Takes one recorded run to its end, whoever asked for it (the API's Hangfire job, a window, or a
/// take-over of a run whose worker died): claims the run's lease (only one worker holds a run, and
/// every change it makes names its attempt), waits for the cluster's slot when the operation is
/// heavy, refuses to start when the window has less time left than the operation needs, stops it
/// when the window closes or a cancel is asked, and records the outcome, waiting for the storage
/// when it is away. Reentrant: a finished run is left alone; a run another live worker holds is
/// left to it; a run taken over re-attaches to its runner, and one whose runner died with no result
/// starts again only when its operation is idempotent. A heavy run first takes a place in the
/// fleet's line of heavy runs (<see cref="HeavyRunAdmission"/>); when it must wait and the caller can
/// park it, it goes back to the queue and gives its Hangfire worker back until it is admitted.
/// </summary>
public sealed class RunCoordinator(
    RunStore store,
    ClusterInventory inventory,
    OperationCatalog catalog,
    IOperationExecutor executor,
    BackendCanceller backendCanceller,
    ClusterSlots slots,
    HeavyRunAdmission heavyRuns,
    OpsMetrics metrics,
    HealthFindingMetrics healthMetrics,
    VerifyFindingMetrics verifyMetrics,
    WorkerIdentity identity,
    IOptions<ExecutorOptions> executorOptions,
    IOptions<SchedulerOptions> schedulerOptions,
    IOptions<FleetOptions> fleetOptions,
    TimeProvider clock,
    ILogger<RunCoordinator> logger)
{
    /// <param name="park">
    /// Schedules the Hangfire job that takes the run up again (due after the given fallback delay, woken earlier
    /// once admitted) and returns its id; null: a heavy run waits for its place here. A parked run returns
    /// <see cref="RunStatus.Queued"/>.
    /// </param>
    public async Task<RunStatus> ExecuteAsync(Guid runId, TimeSpan? estimate, CancellationToken cancellationToken, ScheduleWakeUp? park = null)
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

        var leaseDuration = schedulerOptions.Value.LeaseDuration;
        if (await store.TryClaimAsync(run.Id, identity.Name, leaseDuration, cancellationToken) is not { } claim)
        {
            var current = await store.GetAsync(run.Id, cancellationToken);
            if (current is null || current.Status.IsTerminal())
            {
                Log.RunAlreadyFinished(logger, run.Id, current?.Status.ToWireName() ?? "missing");
                return current?.Status ?? RunStatus.Failed;
            }

            Log.RunHeldElsewhere(logger, run.Id);
            return current.Status;
        }

        await using var lease = new RunLease(store, run.Id, claim, leaseDuration, clock, logger);
        var recorded = false;
        try
        {
            var status = await ExecuteClaimedAsync(run, claim, lease, estimate, park, cancellationToken);
            recorded = status.IsTerminal();
            return status;
        }
        finally
        {
            if (!recorded)
            {
                // Interrupted (the worker stops, the lease was lost): the next worker need not wait for the lease to run out.
                await lease.ReleaseAsync();
            }
        }
    }

    private async Task<RunStatus> ExecuteClaimedAsync(RunRecord run, RunClaim claim, RunLease lease, TimeSpan? estimate, ScheduleWakeUp? park,
        CancellationToken cancellationToken)
    {
        if (claim.WasRunning)
        {
            Log.RunTakenOver(logger, run.Id, claim.Attempt, claim.PreviousOwner ?? "unknown");
            await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "warning",
                $"Taken over by worker {identity.Name} (attempt {claim.Attempt}): the worker that ran it ({claim.PreviousOwner ?? "unknown"}) stopped renewing its lease.",
                cancellationToken);
        }

        if (!inventory.TryGet(run.Cluster, out var cluster))
        {
            return await EndAsync(run, RunStatus.Failed, $"Cluster '{run.Cluster}' is no longer in the inventory.", wasRunning: false, claim.Attempt);
        }

        var operation = catalog.TryGet(run.Operation, out var found) ? found : null;
        if (operation?.IsHeavy != true)
        {
            return await ExecuteAdmittedAsync(run, claim, lease, estimate, cluster, operation, cancellationToken);
        }

        if (await EnterLineAsync(run, cluster, claim, lease, park, cancellationToken) is { } waitedOrEnded)
        {
            return waitedOrEnded;
        }

        var status = await ExecuteAdmittedAsync(run, claim, lease, estimate, cluster, operation, cancellationToken);
        if (status.IsTerminal())
        {
            await LeaveLineAsync(run.Id);
        }

        return status;
    }

    /// <summary>
    /// Takes the run's place among heavy runs: null once it has one. Otherwise the run waits, here or parked
    /// (<see cref="RunStatus.Queued"/>), or it ended while waiting (cancelled, or its window closed).
    /// </summary>
    private async Task<RunStatus?> EnterLineAsync(RunRecord run, InventoryCluster cluster, RunClaim claim, RunLease lease, ScheduleWakeUp? park,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var admission = await heavyRuns.TryEnterAsync(run, cluster.Labels, claim.WasRunning, cancellationToken);
            if (admission.IsEntered)
            {
                return null;
            }

            if (await store.IsCancelRequestedAsync(run.Id, cancellationToken))
            {
                return await EndAsync(run, RunStatus.Cancelled, "Cancelled while waiting for its turn among heavy runs.", wasRunning: false, claim.Attempt);
            }

            if (clock.GetUtcNow() >= run.DeadlineAt)
            {
                return await EndAsync(run, RunStatus.Skipped, $"The window closed at {run.DeadlineAt:u} while the run waited: {admission.WaitReason}.",
                    wasRunning: false, claim.Attempt, outOfTime: true);
            }

            if (admission.JustQueued)
            {
                await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "info", $"Waiting: {admission.WaitReason}.", cancellationToken);
                Log.HeavyRunWaiting(logger, run.Id, admission.WaitReason ?? string.Empty, park is not null);
            }

            if (park is not null)
            {
                // The wake-up job exists before the run is nobody's, so a worker dying in between loses nothing.
                var wakeJobId = await park(fleetOptions.Value.WakeFallbackAfter(clock.GetUtcNow() - run.CreatedAt), cancellationToken);
                await lease.ReturnToQueueAsync(cancellationToken);
                await heavyRuns.ParkAsync(run.Id, wakeJobId, cancellationToken);
                return RunStatus.Queued;
            }

            await Task.Delay(executorOptions.Value.CancelPollInterval, clock, cancellationToken);
        }
    }

    /// <summary>Gives the place up at once, admitting the next runs; if the storage cannot be reached, the next dispatch drops it.</summary>
    private async Task LeaveLineAsync(Guid runId)
    {
        try
        {
            await heavyRuns.LeaveAsync(runId, CancellationToken.None);
        }
        catch (Exception e) when (StorageRetry.IsTransient(e))
        {
            Log.HeavyRunDispatchFailed(logger, e);
        }
    }

    private async Task<RunStatus> ExecuteAdmittedAsync(RunRecord run, RunClaim claim, RunLease lease, TimeSpan? estimate, InventoryCluster cluster,
        IOperation? operation, CancellationToken cancellationToken)
    {
        var heavy = operation?.IsHeavy == true;
        await using var slot = heavy ? await WaitForSlotAsync(run, cancellationToken) : null;
        if (heavy && slot is null)
        {
            var current = await store.GetAsync(run.Id, CancellationToken.None);
            return current?.CancelRequested == true
                ? await EndAsync(run, RunStatus.Cancelled, "Cancelled while waiting for the cluster.", wasRunning: false, claim.Attempt)
                : await EndAsync(run, RunStatus.Skipped,
                    $"The window closed at {run.DeadlineAt:u} while another heavy operation was still running on cluster '{run.Cluster}'.", wasRunning: false, claim.Attempt,
                    outOfTime: true);
        }

        if (!claim.WasRunning && run.DeadlineAt is { } deadline && await TooLittleTimeAsync(run, deadline, estimate, cancellationToken) is { } reason)
        {
            return await EndAsync(run, RunStatus.Skipped, reason, wasRunning: false, claim.Attempt, outOfTime: true);
        }

        if (!await store.TryStartAsync(run.Id, executor.Name, claim.Attempt, cancellationToken))
        {
            return lease.Lost.IsCancellationRequested
                ? RunStatus.Running
                : await EndAsync(run, RunStatus.Cancelled, "Cancelled before it started.", wasRunning: false, claim.Attempt);
        }

        Log.RunStarted(logger, run.Id, run.Operation, run.Cluster);
        metrics.Started(run.Operation, run.Cluster);
        var startedAt = clock.GetUtcNow();
        run = run with { StartedAt = run.StartedAt ?? (await store.GetAsync(run.Id, cancellationToken))?.StartedAt ?? startedAt };
        var outcome = await ExecuteAsync(run, cluster, lease, slot, cancellationToken);
        if (outcome.Orphaned)
        {
            outcome = await AfterOrphanAsync(run, cluster, operation, lease, slot, outcome, cancellationToken);
        }

        for (var retry = 1; ShouldRetry(run, operation, outcome, retry, lease, cancellationToken); retry++)
        {
            outcome = await RetryAsync(run, cluster, lease, slot, outcome, retry, cancellationToken);
        }

        if (outcome.LeftRunning || lease.Lost.IsCancellationRequested)
        {
            // The worker stops, or another worker took the run over: the runner goes on and its next
            // watcher records the outcome. Hangfire hands the job out again after a restart.
            Log.RunInterrupted(logger, run.Id);
            metrics.Ended(run.Operation, run.Cluster, RunStatus.Cancelled, null, wasRunning: true);
            cancellationToken.ThrowIfCancellationRequested();
            return RunStatus.Running;
        }

        var stoppedByClock = outcome.Status == RunStatus.Cancelled && StopAt(run) is { } stopAt && clock.GetUtcNow() >= stopAt &&
                             !await IsCancelRequestedAsync(run.Id, CancellationToken.None);
        var timedOut = stoppedByClock && TimesOutAt(run) is { } timesOutAt && timesOutAt <= (run.DeadlineAt ?? DateTimeOffset.MaxValue);
        var error = !stoppedByClock
            ? outcome.Error
            : timedOut
                ? $"Timed out: the run's timeout ({run.Timeout}) ran out at {TimesOutAt(run):u}; the runner was stopped and its backends cancelled. {outcome.Error}"
                : $"Cancelled at the end of the maintenance window ({run.DeadlineAt:u}); {outcome.Error}";
        if (timedOut)
        {
            outcome = outcome with { Status = RunStatus.Failed };
        }
        if (!await RecordAsync(run, outcome.Status, error, outcome.Result, claim.Attempt, cancellationToken))
        {
            return RunStatus.Running;
        }

        await executor.ForgetAsync(run.Id, CancellationToken.None);
        metrics.Ended(run.Operation, run.Cluster, outcome.Status, clock.GetUtcNow() - startedAt, wasRunning: true);
        if (outcome.Status == RunStatus.Succeeded && run.Operation == HealthCheckOperation.OperationName && outcome.Result is { } result)
        {
            healthMetrics.Record(run.Cluster, clock.GetUtcNow(), result);
        }

        if (run.Operation == VerifyOperation.OperationName && outcome.Result is { } verified)
        {
            verifyMetrics.Record(run.Cluster, verified);
        }

        Log.RunFinished(logger, run.Id, outcome.Status.ToWireName(), error ?? string.Empty);
        return outcome.Status;
    }

    private static bool ShouldRetry(RunRecord run, IOperation? operation, ExecutionOutcome outcome, int retry, RunLease lease, CancellationToken cancellationToken) =>
        outcome is { Status: RunStatus.Failed, LeftRunning: false } && operation?.IsIdempotent == true && retry <= run.MaxRetries &&
        !lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    /// <summary>Waits (10 s, 20 s, 40 s... by default, at most 5 minutes), then starts the failed idempotent operation again, saying so in the run's log.</summary>
    private async Task<ExecutionOutcome> RetryAsync(
        RunRecord run, InventoryCluster cluster, RunLease lease, ClusterSlot? slot, ExecutionOutcome failed, int retry, CancellationToken cancellationToken)
    {
        var first = executorOptions.Value.RetryDelay;
        var delay = TimeSpan.FromTicks(Math.Min(first.Ticks * (1L << Math.Min(retry - 1, 20)), TimeSpan.FromMinutes(5).Ticks));
        if (StopAt(run) is { } stopAt && clock.GetUtcNow() + delay >= stopAt)
        {
            return failed;
        }

        await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "warning",
            $"Attempt {retry} of {run.MaxRetries + 1} failed: {failed.Error} {run.Operation} is idempotent: attempt {retry + 1} starts in {Format(delay)}.",
            cancellationToken);
        await Task.Delay(delay, clock, cancellationToken);
        if (await IsCancelRequestedAsync(run.Id, cancellationToken))
        {
            return new ExecutionOutcome(RunStatus.Cancelled, null, $"Cancelled before attempt {retry + 1}.");
        }

        await executor.ForgetAsync(run.Id, cancellationToken);
        return await ExecuteAsync(run, cluster, lease, slot, cancellationToken);
    }

    /// <summary>
    /// The runner an earlier attempt started ended without a result while no worker watched it: an
    /// idempotent operation starts again from the beginning; any other is never started twice and
    /// ends failed, saying so.
    /// </summary>
    private async Task<ExecutionOutcome> AfterOrphanAsync(
        RunRecord run, InventoryCluster cluster, IOperation? operation, RunLease lease, ClusterSlot? slot, ExecutionOutcome orphaned, CancellationToken cancellationToken)
    {
        if (operation?.IsIdempotent != true)
        {
            return orphaned with
            {
                Orphaned = false,
                Error = $"The worker running this {run.Operation} died and its runner ended without a result ({orphaned.Error}). " +
                        $"A {run.Operation} is not started twice: check cluster '{run.Cluster}' (which instance serves writes, what the log above shows was done) before running it again.",
            };
        }

        await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "warning",
            $"The runner of the previous attempt ended without a result while no worker watched it ({orphaned.Error}); {run.Operation} is idempotent: it starts again from the beginning.",
            cancellationToken);
        await executor.ForgetAsync(run.Id, cancellationToken);
        return await ExecuteAsync(run, cluster, lease, slot, cancellationToken);
    }

    /// <summary>
    /// Records the outcome, waiting for the storage when it is away. False when it could not be
    /// recorded by this attempt: another worker took the run over, or this worker stops first
    /// (what the runner left lets the next worker record it).
    /// </summary>
    private async Task<bool> RecordAsync(RunRecord run, RunStatus status, string? error, System.Text.Json.JsonElement? result, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            var recorded = await StorageRetry.RunAsync(
                ct => store.FinishAsync(run.Id, status, error, result, ct, attempt),
                (e, delay) => Log.OutcomeRecordRetry(logger, run.Id, status.ToWireName(), delay, e), clock, cancellationToken);
            if (!recorded && await store.GetAsync(run.Id, CancellationToken.None) is { } current && !current.Status.IsTerminal())
            {
                return false;
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Ends a run that did not run to its end; <paramref name="outOfTime"/>: a window's step that would not fit.</summary>
    private async Task<RunStatus> EndAsync(RunRecord run, RunStatus status, string reason, bool wasRunning, int attempt, bool outOfTime = false)
    {
        await store.FinishAsync(run.Id, status, reason, null, CancellationToken.None, attempt, outOfTime);
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

    private async Task<ExecutionOutcome> ExecuteAsync(RunRecord run, InventoryCluster cluster, RunLease lease, ClusterSlot? slot, CancellationToken cancellationToken)
    {
        // The worker gives the run up when it stops or when another worker took the run over.
        using var givingUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(givingUp.Token);
        if (StopAt(run) is { } stopAt)
        {
            runCancellation.CancelAfter(Max(stopAt - clock.GetUtcNow(), TimeSpan.Zero));
        }

        using var watcherStop = new CancellationTokenSource();
        var slotLost = new StrongBox<bool>();
        var watcher = WatchAsync(run, slot, slotLost, runCancellation, watcherStop.Token);
        var request = new RunRequest
        {
            RunId = run.Id,
            Operation = run.Operation,
            Parameters = run.Parameters,
            DryRun = run.DryRun,
            Cluster = cluster.Connection,
        };
        ExecutionOutcome? outcome = null;
        try
        {
            var recorder = new RunEventRecorder(run.Id, store, clock, logger, givingUp.Token);
            var execution = new ExecutionRequest(request, cluster)
            {
                ReplacesPods = catalog.ReplacesPods(run.Operation, run.Parameters),
                Deadline = run.DeadlineAt,
                WorkerStopping = givingUp.Token,
            };
            outcome = await executor.ExecuteAsync(execution, recorder, runCancellation.Token);
            return slotLost.Value && outcome.Status == RunStatus.Cancelled
                ? outcome with { Status = RunStatus.Failed, Error = $"Stopped: the run lost cluster '{run.Cluster}''s slot and another heavy operation holds it now. {outcome.Error}" }
                : outcome;
        }
        catch (OperationCanceledException) when (givingUp.IsCancellationRequested)
        {
            // A log line waited for the storage until the worker gave the run up: the runner goes on.
            outcome = ExecutionOutcome.Detached("The worker gave the run up while the storage was unreachable.");
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

    /// <summary>When the run's timeout runs out: counted from its start, attempts and take-overs included.</summary>
    private static DateTimeOffset? TimesOutAt(RunRecord run) =>
        run.TimeoutSpan is { } timeout && run.StartedAt is { } started ? started + timeout : null;

    /// <summary>The earlier of the window's close and the timeout.</summary>
    private static DateTimeOffset? StopAt(RunRecord run) =>
        (run.DeadlineAt, TimesOutAt(run)) switch
        {
            ({ } deadline, { } timeout) => deadline < timeout ? deadline : timeout,
            ({ } deadline, null) => deadline,
            (null, var timeout) => timeout,
        };

    /// <summary>
    /// Polls the run record, so that a cancel accepted by any replica reaches the one running it; and
    /// checks the cluster's slot, so that two heavy runs never overlap on one cluster: a slot lost and
    /// taken again goes on, a slot another run took stops this one.
    /// </summary>
    private async Task WatchAsync(RunRecord run, ClusterSlot? slot, StrongBox<bool> slotLost, CancellationTokenSource runCancellation, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(executorOptions.Value.CancelPollInterval, stop);
                if (await IsCancelRequestedAsync(run.Id, stop))
                {
                    Log.RunCancelRequested(logger, run.Id);
                    await runCancellation.CancelAsync();
                    return;
                }

                if (slot is not null && !await IsSlotStillOursAsync(run, slot, stop))
                {
                    slotLost.Value = true;
                    await runCancellation.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> IsSlotStillOursAsync(RunRecord run, ClusterSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            var (held, retaken) = await slot.EnsureHeldAsync(cancellationToken);
            if (retaken || !held)
            {
                Log.SlotLost(logger, run.Id, run.Cluster, held);
                await store.AppendLogAsync(run.Id, clock.GetUtcNow(), held ? "warning" : "error", held
                    ? $"The session holding cluster '{run.Cluster}''s slot was lost; the slot was taken again and the run goes on."
                    : $"The session holding cluster '{run.Cluster}''s slot was lost and another heavy operation took the slot; this run is stopped.",
                    cancellationToken);
            }

            return held;
        }
        catch (Exception e) when (StorageRetry.IsTransient(e))
        {
            // The storage is away: nobody can take the slot either; the next poll checks again.
            return true;
        }
    }

    /// <summary>Whether a cancel was asked; false while the storage cannot say (the next poll asks again).</summary>
    private async Task<bool> IsCancelRequestedAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            return await store.IsCancelRequestedAsync(runId, cancellationToken);
        }
        catch (Exception e) when (StorageRetry.IsTransient(e))
        {
            return false;
        }
    }
}
