namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>Where a window step's tables or indexes come from (<c>Targets</c>).</summary>
public enum StepTargets
{
    /// <summary>The step's own <c>Parameters</c>.</summary>
    Parameters,

    /// <summary>The objects of the findings the step's <c>When</c> selects.</summary>
    Findings,
}
