namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// The condition of a window step, <c>Ops:Windows:{name}:Operations:{i}:When</c>: the cluster's latest succeeded
/// health-check run, at most <see cref="MaxAge"/> old, has a finding of one of <see cref="Checks"/> at
/// <see cref="MinSeverity"/> or worse.
/// </summary>
public sealed class WindowConditionDefinition
{
    /// <summary>Health-check check names (table-bloat, invalid-index, xid-wraparound, ...).</summary>
    public List<string> Checks { get; set; } = [];

    /// <summary>warning (the default) or critical.</summary>
    public string? MinSeverity { get; set; }

    /// <summary>How old the health-check run may be (default one hour); a health-check step earlier in the window counts.</summary>
    public TimeSpan? MaxAge { get; set; }
}
