using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// A window step's <c>When</c>, checked: a finding of one of <see cref="Checks"/> at <see cref="MinSeverity"/> or
/// worse, in a succeeded health-check run that finished at most <see cref="MaxAge"/> ago.
/// </summary>
public sealed record FindingCondition(IReadOnlyList<string> Checks, HealthSeverity MinSeverity, TimeSpan MaxAge)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(1);

    public const HealthSeverity DefaultMinSeverity = HealthSeverity.Warning;

    /// <summary>The condition of a step whose targets come from findings and whose <c>When</c> says nothing more.</summary>
    public static FindingCondition For(FindingTarget target) => new(target.Checks, DefaultMinSeverity, DefaultMaxAge);

    public bool Matches(HealthFinding finding) =>
        finding.Severity >= MinSeverity && Checks.Contains(finding.Check, StringComparer.Ordinal);

    /// <summary>"table-bloat finding at warning or worse", "index-bloat or invalid-index findings at critical".</summary>
    public string Describe(int count = 1) =>
        $"{string.Join(" or ", Checks)} finding{(count == 1 ? string.Empty : "s")} at {SeverityName(MinSeverity)}" +
        (MinSeverity < HealthSeverity.Critical ? " or worse" : string.Empty);

    public static string SeverityName(HealthSeverity severity) => severity.ToString().ToLowerInvariant();
}
