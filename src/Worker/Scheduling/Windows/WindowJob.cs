using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// The Hangfire recurring job of one window on one cluster: when the window opens (or someone
/// presses "Trigger now"), it runs the window's operations in order, each as a recorded run that
/// must end by the window's close. Reentrant: after a worker restart it goes on where it stopped.
/// </summary>
public sealed class WindowJob(
    WindowCatalog windows,
    RunSubmitter submitter,
    RunExecutor executor,
    RunStore store,
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
        var deadline = occurrence?.ClosesAt ?? now + resolved.Schedule.Duration;
        var jobId = context?.BackgroundJob.Id;
        var earlier = jobId is null ? [] : await store.ListByJobAsync(jobId, cancellationToken);
        Log.WindowOpened(logger, window, cluster, trigger, deadline);

        for (var i = 0; i < resolved.Steps.Count; i++)
        {
            var step = resolved.Steps[i];
            var runId = i < earlier.Count ? earlier[i].Id : (Guid?)null;
            if (runId is null)
            {
                var submission = new RunSubmission(cluster, step.Operation, step.Parameters, DryRun: false, trigger)
                {
                    DeadlineAt = deadline,
                    JobId = jobId,
                };
                if (!manual && occurrence is null)
                {
                    // Hangfire fired late (the worker was down when the window opened and it has closed since).
                    await submitter.RecordAsync(submission, RunStatus.Skipped, [$"Window '{window}' had closed when a worker could open it."], cancellationToken);
                    continue;
                }

                var created = await submitter.CreateAsync(submission, cancellationToken);
                if (created.Run is null)
                {
                    await submitter.RecordAsync(submission, RunStatus.Failed, created.Errors, cancellationToken);
                    continue;
                }

                runId = created.Run.Id;
            }

            await executor.ExecuteAsync(runId.Value, step.Estimate, cancellationToken);
        }
    }
}
