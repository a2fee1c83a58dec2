namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// One finding of <c>health-check</c>: which check, about which object (a replica, a slot, a database, a table,
/// a session), how serious, and what was measured. <see cref="Value"/> is the measured figure in the check's unit
/// (bytes, seconds, an age, a ratio) so that need-driven operations and metrics can use it.
/// </summary>
public sealed record HealthFinding(HealthSeverity Severity, string Check, string Object, string Message)
{
    /// <summary>The database the object lives in, for per-database checks.</summary>
    public string? Database { get; init; }

    /// <summary>The measured figure the severity was graded on.</summary>
    public double? Value { get; init; }
}
