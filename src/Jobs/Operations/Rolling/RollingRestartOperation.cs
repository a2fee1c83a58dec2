namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>rolling-restart</c>: every replica, one at a time, then the primary through a switchover (or in place).</summary>
public sealed class RollingRestartOperation : RollingOperation
{
    public const string OperationName = "rolling-restart";

    public override string Name => OperationName;

    public override string Summary =>
        "Restarts every instance without losing a committed transaction: replicas one at a time (each waited on until it " +
        "streams again), then the primary by a switchover to the most caught-up replica (or in place). Never more than " +
        "one instance down; stops with a primary serving writes on any failure.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.Method,
        RollingParameters.PrimaryUpdateMethod,
        RollingParameters.OnlyPendingRestart,
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public override void Validate(ParameterValues values, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        if (values.Has(RollingParameters.CandidateName) && values.GetString(RollingParameters.PrimaryUpdateMethodName) == RollingParameters.Restart)
        {
            errors.Add("Parameter 'candidate' needs primaryUpdateMethod 'switchover'.");
        }

        if (values.GetString(RollingParameters.MethodName) == RollingParameters.ReplacePodsMethod)
        {
            RollingParameters.ValidatePodReplacement(values, errors);
        }
    }

    protected override bool SwitchoverOnly => false;
}
