using System.ComponentModel;
using Hangfire;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Queue;

/// <summary>
/// The Hangfire job behind a run accepted by the API. It carries the run id; the operation and the
/// cluster are there only so that the dashboard's pages name them. A heavy run that must wait for its
/// place is parked: this job ends, and a scheduled copy of it, woken once the run is admitted, takes
/// the run up again (the run's job id follows it, so a worker dying after fetching it is noticed).
/// </summary>
public sealed class RunOperationJob(RunCoordinator coordinator, RunStore store, IBackgroundJobClient jobs)
{
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("{1} on {2} (run {0})")]
    public Task ExecuteAsync(Guid runId, string operation, string cluster, CancellationToken cancellationToken) =>
        coordinator.ExecuteAsync(runId, estimate: null, cancellationToken, async (fallback, ct) =>
        {
            var wakeJobId = jobs.Schedule<RunOperationJob>(job => job.ExecuteAsync(runId, operation, cluster, CancellationToken.None), fallback);
            await store.SetJobIdAsync(runId, wakeJobId, ct);
            return wakeJobId;
        });

    /// <summary>Jobs queued by an earlier version of the worker, which carried the run id alone.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("run {0}")]
    public Task ExecuteAsync(Guid runId, CancellationToken cancellationToken) =>
        coordinator.ExecuteAsync(runId, estimate: null, cancellationToken);
}
