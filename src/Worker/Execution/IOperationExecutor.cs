namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// Runs the job runner for one run somewhere — a local child process, or a Kubernetes Job — and
/// relays its events. Implementations own where the runner runs, never what it does.
/// </summary>
public interface IOperationExecutor
{
    /// <summary>"local", "kubernetes": recorded on the run.</summary>
    string Name { get; }

    /// <summary>
    /// Runs to the end. On cancellation the runner is asked to stop (it cancels its own backends),
    /// then stopped by force after the grace period; the outcome is then <c>cancelled</c>.
    /// When the run's runner is already running or has ended (an earlier attempt of the run started
    /// it and its worker died), the executor re-attaches to it instead of starting another one.
    /// </summary>
    Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IRunEventSink events, CancellationToken cancellationToken);

    /// <summary>Forgets what the executor kept of the run's runner, once its outcome is recorded: the next execution of the run starts afresh.</summary>
    Task ForgetAsync(Guid runId, CancellationToken cancellationToken);
}
