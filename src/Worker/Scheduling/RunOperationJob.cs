using System.ComponentModel;
using Hangfire;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>
/// The Hangfire job behind a run accepted by the API. It carries the run id; the operation and the
/// cluster are there only so that the dashboard's pages name them.
/// </summary>
public sealed class RunOperationJob(RunExecutor executor)
{
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("{1} on {2} (run {0})")]
    public Task ExecuteAsync(Guid runId, string operation, string cluster, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(runId, estimate: null, cancellationToken);

    /// <summary>Jobs queued by an earlier version of the worker, which carried the run id alone.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("run {0}")]
    public Task ExecuteAsync(Guid runId, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(runId, estimate: null, cancellationToken);
}
