using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Execution;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Keeps what a run reports: its log lines in the run's log (and the worker's), its progress on the
/// run. While the storage is away a log line is tried again until it is kept (the runner's output
/// waits in its file or pod log meanwhile), or until the worker gives the run up (<paramref name="stopping"/>);
/// a progress update is dropped, the next one replaces it.
/// </summary>
public sealed class RunEventRecorder(Guid runId, RunStore store, TimeProvider clock, ILogger logger, CancellationToken stopping) : IRunEventSink
{
    public async Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        await StorageRetry.RunAsync(async ct =>
        {
            await store.AppendLogAsync(runId, time, level, message, ct);
            return true;
        }, (e, delay) => Log.RunLogRetry(logger, runId, delay, e), clock, linked.Token);
        Log.RunnerOutput(logger, level, message);
    }

    public async Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await store.UpdateProgressAsync(runId, progress, cancellationToken);
        }
        catch (Exception e) when (StorageRetry.IsTransient(e))
        {
            Log.RunProgressDropped(logger, runId, e);
        }
    }

    public async Task<IReadOnlyList<(DateTimeOffset Time, string Message)>> LoggedAsync(CancellationToken cancellationToken) =>
        (await store.GetLogAsync(runId, 0, int.MaxValue, cancellationToken)).Select(l => (l.Time, l.Message)).ToArray();
}
