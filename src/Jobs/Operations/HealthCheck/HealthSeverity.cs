namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>How serious a health-check finding is; serialized as "ok", "warning", "critical".</summary>
public enum HealthSeverity
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
}
