using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// Turns the runner's output lines into sink calls and keeps its result. Shared by every executor:
/// a local process's stdout and a pod's log carry the same lines.
/// </summary>
public sealed class RunnerEventRelay(IRunEventSink sink, TimeProvider clock)
{
    public RunnerEvent? Result { get; private set; }

    public async Task RelayLineAsync(string line, string strayLevel, CancellationToken cancellationToken)
    {
        var runnerEvent = RunnerEvent.TryParse(line);
        switch (runnerEvent?.Type)
        {
            case null:
                if (line.Length > 0)
                {
                    await sink.LogAsync(clock.GetUtcNow(), strayLevel, line, cancellationToken);
                }

                break;
            case RunnerEvent.LogType:
                await sink.LogAsync(runnerEvent.Time, runnerEvent.Level ?? "info", runnerEvent.Message ?? string.Empty, cancellationToken);
                break;
            case RunnerEvent.ProgressType when runnerEvent.Progress is { } progress:
                await sink.ProgressAsync(progress, cancellationToken);
                break;
            case RunnerEvent.ResultType:
                Result = runnerEvent;
                break;
        }
    }

    /// <summary>The outcome: the runner's own result when it gave one, else what its exit says.</summary>
    public ExecutionOutcome ToOutcome(int exitCode, bool cancelled, string? lastError)
    {
        if (Result is { Status: { } status } result)
        {
            return new ExecutionOutcome(status, result.Result, result.Error);
        }

        if (cancelled)
        {
            return new ExecutionOutcome(RunStatus.Cancelled, null, "Cancelled; the runner was stopped.");
        }

        var detail = string.IsNullOrWhiteSpace(lastError) ? string.Empty : $": {lastError}";
        return new ExecutionOutcome(RunStatus.Failed, null, $"The job runner exited with code {exitCode} without a result{detail}");
    }
}
