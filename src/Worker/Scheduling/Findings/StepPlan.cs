using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// What a window step asks for: its runs, each with a note for its log (why it runs, on what), or none at all and
/// the status and reason to record the step with.
/// </summary>
public sealed record StepPlan(IReadOnlyList<PlannedRun> Runs, RunStatus EndedAs = RunStatus.Skipped, string? Reason = null)
{
    public static StepPlan Run(RunSubmission submission, string? note = null) => new([new PlannedRun(submission, note)]);

    public static StepPlan Skip(string reason) => new([], RunStatus.Skipped, reason);

    public static StepPlan Fail(string reason) => new([], RunStatus.Failed, reason);

    /// <summary>The cluster could not be reached to look the findings' objects up (a request may be tried again later).</summary>
    public bool ClusterUnreachable { get; init; }
}

/// <summary>One run a step asks for, and what its log should say about why.</summary>
public sealed record PlannedRun(RunSubmission Submission, string? Note);
