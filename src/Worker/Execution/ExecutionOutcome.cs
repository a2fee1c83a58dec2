using System.Text.Json;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution;

/// <summary>How an execution ended: a final status, the runner's typed result, or the reason it has none.</summary>
public sealed record ExecutionOutcome(RunStatus Status, JsonElement? Result, string? Error)
{
    /// <summary>The worker stopped and the runner was left running (a Job): nothing may stop its backends.</summary>
    public bool LeftRunning { get; init; }

    /// <summary>
    /// The runner ended without a result while no worker watched it (its worker had died): the
    /// operation may have done part of its work.
    /// </summary>
    public bool Orphaned { get; init; }

    public static ExecutionOutcome Detached(string reason) => new(RunStatus.Cancelled, null, reason) { LeftRunning = true };
}
