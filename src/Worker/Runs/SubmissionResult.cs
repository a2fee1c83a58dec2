
namespace StackGres.Ops.Worker.Runs;

/// <summary>Either the queued run, or every reason the request was refused.</summary>
public sealed record SubmissionResult(RunRecord? Run, IReadOnlyList<string> Errors, bool ClusterUnreachable = false)
{
    public bool Accepted => Run is not null;
}
