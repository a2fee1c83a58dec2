using System.Text.Json;
using StackGres.Ops.Worker.Scheduling.Findings;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>One operation of a window, with its checked parameters, its condition and where its targets come from.</summary>
public sealed record WindowStep(string Operation, JsonElement Parameters, TimeSpan? Estimate)
{
    /// <summary>Run only when the cluster's latest health-check found this; null: always run.</summary>
    public FindingCondition? When { get; init; }

    public StepTargets Targets { get; init; } = StepTargets.Parameters;
}
