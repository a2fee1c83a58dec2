using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;
using StackGres.Ops.Worker.Scheduling.Findings;
using StackGres.Ops.Worker.Runs.Fleet;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// The Hangfire recurring job of one window on one cluster: when the window opens (or someone
/// presses "Trigger now"), it runs the window's operations in order, each as a recorded run that
/// must end by the window's close; a step with a health-check condition runs only when the latest findings call
/// for it, and on their objects when its targets come from them. Reentrant: after a worker restart it goes on where it stopped.
/// It holds a Hangfire worker only while one of its runs executes: its StartSpread offset and a heavy run's wait for its
/// place are scheduled continuations (<see cref="ResumeAsync"/>), so a window opening on many clusters does not need as many workers.
/// </summary>
public sealed class WindowJob(
    WindowCatalog windows,
    RunSubmitter submitter,
    RunCoordinator coordinator,
    RunStore store,
    FindingsStepPlanner planner,
    IBackgroundJobClient jobs,
    TimeProvider clock,
    ILogger<WindowJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("window {0} on {1}")]
    public async Task OpenAsync(string window, string cluster, PerformContext? context, CancellationToken cancellationToken)
    {
        if (!windows.TryGet(window, out var resolved) || !resolved.Clusters.Contains(cluster, StringComparer.Ordinal))
        {
            Log.WindowGone(logger, window, cluster);
            return;
        }

        var now = clock.GetUtcNow();
        var manual = WindowTrigger.IsManual(context);
        var occurrence = manual ? null : resolved.Schedule.OpenAt(now);
        var trigger = manual ? "dashboard" : $"window:{window}";
        var jobId = context?.BackgroundJob.Id;
        var earlier = jobId is null ? [] : await store.ListByJobAsync(jobId, cancellationToken);
        // A job handed out again goes on with the deadline its runs were given.
        var deadline = earlier.Select(r => r.DeadlineAt).FirstOrDefault(d => d is not null) ?? occurrence?.ClosesAt ?? now + resolved.Schedule.Duration;
        Log.WindowOpened(logger, window, cluster, trigger, deadline);
        if (occurrence is not null && earlier.Count == 0)
        {
            // Many clusters on one cron line start spread over the window's StartSpread, each at its fixed offset.
            var startAt = occurrence.OpensAt + resolved.Schedule.StartOffset(cluster);
            if (startAt > clock.GetUtcNow())
            {
                Log.WindowStartSpread(logger, window, cluster, startAt);
                if (jobId is not null)
                {
                    // Until then the window holds no Hangfire worker.
                    jobs.Schedule<WindowJob>(job => job.ResumeAsync(window, cluster, jobId, deadline, trigger, CancellationToken.None), startAt);
                    return;
                }

                await Task.Delay(startAt - clock.GetUtcNow(), clock, cancellationToken);
            }
        }

        // Hangfire fired late (the worker was down when the window opened and it has closed since).
        var closed = !manual && occurrence is null;
        await RunStepsAsync(window, cluster, resolved, new WindowPass(jobId, deadline, trigger, closed), earlier, cancellationToken);
    }

    /// <summary>
    /// Goes on with an opening: after the cluster's StartSpread offset, or once a heavy run that waited for its
    /// place (parked, holding no Hangfire worker) is admitted.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("window {0} on {1} (continued)")]
    public async Task ResumeAsync(string window, string cluster, string openingJobId, DateTimeOffset deadline, string trigger, CancellationToken cancellationToken)
    {
        if (!windows.TryGet(window, out var resolved) || !resolved.Clusters.Contains(cluster, StringComparer.Ordinal))
        {
            Log.WindowGone(logger, window, cluster);
            return;
        }

        var earlier = await store.ListByJobAsync(openingJobId, cancellationToken);
        var closed = clock.GetUtcNow() >= deadline;
        await RunStepsAsync(window, cluster, resolved, new WindowPass(openingJobId, deadline, trigger, closed), earlier, cancellationToken);
    }

    /// <summary>
    /// Runs the steps in order, each as recorded runs; a step with runs already recorded is not recorded again. Stops when a
    /// heavy run is parked: its continuation goes on from there.
    /// </summary>
    private async Task RunStepsAsync(string window, string cluster, ResolvedWindow resolved, WindowPass pass, IReadOnlyList<RunRecord> earlier,
        CancellationToken cancellationToken)
    {
        // Runs record their step; those of an older worker do not, one run per step.
        var legacy = earlier.Count > 0 && earlier.All(r => r.WindowStep is null);
        for (var i = 0; i < resolved.Steps.Count; i++)
        {
            var step = resolved.Steps[i];
            IReadOnlyList<RunRecord> runs = legacy
                ? earlier.Skip(i).Take(1).ToArray()
                : earlier.Where(r => r.WindowStep == i).ToArray();
            if (runs.Count == 0)
            {
                var submission = new RunSubmission(cluster, step.Operation, step.Parameters, DryRun: false, pass.Trigger)
                {
                    DeadlineAt = pass.Deadline,
                    JobId = pass.JobId,
                    WindowStep = i,
                };
                runs = pass.Closed
                    ? [await EndStepAsync(window, cluster, i, submission, RunStatus.Skipped, $"Window '{window}' had closed when a worker could open it.", cancellationToken, outOfTime: true)]
                    : await CreateRunsAsync(window, cluster, i, step, submission, cancellationToken);
            }

            foreach (var run in runs.Where(r => !r.Status.IsTerminal()))
            {
                var parked = false;
                ScheduleWakeUp? park = pass.JobId is not { } jobId ? null : (fallback, _) =>
                {
                    parked = true;
                    return Task.FromResult(jobs.Schedule<WindowJob>(
                        job => job.ResumeAsync(window, cluster, jobId, pass.Deadline, pass.Trigger, CancellationToken.None), fallback));
                };
                await coordinator.ExecuteAsync(run.Id, step.Estimate, cancellationToken, park);
                if (parked)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One opening of the window on the cluster: the Hangfire job its runs are recorded under, when it closes, who opened it.</summary>
    private sealed record WindowPass(string? JobId, DateTimeOffset Deadline, string Trigger, bool Closed);

    /// <summary>Records the step's runs (those its health-check condition and targets call for), or the step as skipped or failed.</summary>
    private async Task<IReadOnlyList<RunRecord>> CreateRunsAsync(string window, string cluster, int index, WindowStep step, RunSubmission submission,
        CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(step, submission, cancellationToken);
        if (plan.Runs.Count == 0)
        {
            return [await EndStepAsync(window, cluster, index, submission, plan.EndedAs, plan.Reason ?? string.Empty, cancellationToken)];
        }

        var runs = await submitter.CreateAllAsync(plan.Runs.Select(r => r.Submission).ToArray(), cancellationToken);
        for (var i = 0; i < runs.Count; i++)
        {
            if (plan.Runs[i].Note is { } note)
            {
                await store.AppendLogAsync(runs[i].Id, clock.GetUtcNow(), "info", note, cancellationToken);
            }

            if (runs[i].Status.IsTerminal())
            {
                Log.WindowStepEnded(logger, window, cluster, index, step.Operation, runs[i].Status.ToWireName(), runs[i].Reason ?? string.Empty);
            }
        }

        return runs;
    }

    private async Task<RunRecord> EndStepAsync(string window, string cluster, int index, RunSubmission submission, RunStatus status, string reason,
        CancellationToken cancellationToken, bool outOfTime = false)
    {
        Log.WindowStepEnded(logger, window, cluster, index, submission.Operation, status.ToWireName(), reason);
        return await submitter.RecordAsync(submission, status, [reason], cancellationToken, outOfTime);
    }
}
