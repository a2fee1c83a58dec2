namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>What became of one relation of a maintenance run.</summary>
public enum OutcomeStatus
{
    /// <summary>Chosen, and a dry run stopped there.</summary>
    Planned,

    Done,

    /// <summary>Not processed, for the reason given (lock not available, timeout, precondition).</summary>
    Skipped,

    Failed,
}
