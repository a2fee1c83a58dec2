using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>rolling-restart</c>: every replica, one at a time, then the primary through a switchover (or in place).</summary>
public sealed class RollingRestartOperation : IOperation
{
    public const string OperationName = "rolling-restart";

    public string Name => OperationName;

    public string Summary =>
        "Restarts every instance without losing a committed transaction: replicas one at a time (each waited on until it " +
        "streams again), then the primary by a switchover to the most caught-up replica (or in place). Never more than " +
        "one instance down; stops with a primary serving writes on any failure.";

    public bool IsHeavy => true;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.PrimaryUpdateMethod,
        RollingParameters.OnlyPendingRestart,
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public void Validate(ParameterValues values, List<string> errors)
    {
        if (values.Has(RollingParameters.CandidateName) && values.GetString(RollingParameters.PrimaryUpdateMethodName) == RollingParameters.Restart)
        {
            errors.Add("Parameter 'candidate' needs primaryUpdateMethod 'switchover'.");
        }
    }

    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        RollingPreflight.Check(Name, values, connector, errors);
        return Task.CompletedTask;
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken) =>
        await new RollingRun(Name, RollingParameters.From(values), context).RollAsync(cancellationToken).ConfigureAwait(false);
}
