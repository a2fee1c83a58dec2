namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// One step of a window: <c>Ops:Windows:{name}:Operations:{i}</c>. Its <c>Parameters</c> section is
/// read with the operation's own parameter schema (see <c>WindowParameterReader</c>).
/// </summary>
public sealed class WindowOperationDefinition
{
    public string Operation { get; set; } = string.Empty;

    /// <summary>How long the step is expected to take when its history says nothing yet.</summary>
    public TimeSpan? Estimate { get; set; }

    /// <summary>Run the step only when the cluster's latest health-check found something; none: always run it.</summary>
    public WindowConditionDefinition? When { get; set; }

    /// <summary>
    /// Where the step's tables or indexes come from: <c>parameters</c> (the default: its <c>Parameters</c>) or
    /// <c>findings</c> (vacuum, repack, reindex: the objects of the findings its <c>When</c> selects).
    /// </summary>
    public string? Targets { get; set; }
}
