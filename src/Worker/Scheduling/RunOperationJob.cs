using System.ComponentModel;
using Hangfire;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>The Hangfire job behind a run accepted by the API: it carries only the run id.</summary>
public sealed class RunOperationJob(RunExecutor executor)
{
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("run {0}")]
    public Task ExecuteAsync(Guid runId, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(runId, estimate: null, cancellationToken);
}
