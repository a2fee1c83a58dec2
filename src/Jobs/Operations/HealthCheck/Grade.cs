namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>Grades a measured value against a warning and a critical threshold (reached = over).</summary>
public static class Grade
{
    public static HealthSeverity Of(double value, double warning, double critical) =>
        value >= critical ? HealthSeverity.Critical : value >= warning ? HealthSeverity.Warning : HealthSeverity.Ok;

    public static HealthSeverity Worse(HealthSeverity a, HealthSeverity b) => a >= b ? a : b;
}
