using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>Keeps what a run reports: its log lines in the run's log (and the worker's), its progress on the run.</summary>
public sealed class RunEventRecorder(Guid runId, RunStore store, ILogger logger) : IRunEventSink
{
    public async Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken)
    {
        await store.AppendLogAsync(runId, time, level, message, cancellationToken);
        Log.RunnerOutput(logger, level, message);
    }

    public Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken) =>
        store.UpdateProgressAsync(runId, progress, cancellationToken);

    public async Task<IReadOnlyList<(DateTimeOffset Time, string Message)>> LoggedAsync(CancellationToken cancellationToken) =>
        (await store.GetLogAsync(runId, 0, int.MaxValue, cancellationToken)).Select(l => (l.Time, l.Message)).ToArray();
}
