namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>The result of <c>health-check</c>: every finding, worst first, and how many of each severity.</summary>
public sealed record HealthCheckResult(IReadOnlyList<HealthFinding> Findings)
{
    public HealthSeverity Worst => Findings.Count == 0 ? HealthSeverity.Ok : Findings.Max(f => f.Severity);

    public int Ok => Findings.Count(f => f.Severity == HealthSeverity.Ok);

    public int Warnings => Findings.Count(f => f.Severity == HealthSeverity.Warning);

    public int Critical => Findings.Count(f => f.Severity == HealthSeverity.Critical);
}
