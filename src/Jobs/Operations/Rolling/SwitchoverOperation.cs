using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>switchover</c>: the primary's role moves to a replica; the old primary is rewound and follows it.</summary>
public sealed class SwitchoverOperation : IOperation
{
    public const string OperationName = "switchover";

    public string Name => OperationName;

    public string Summary =>
        "Planned switchover: the primary stops cleanly, the most caught-up (or named) replica is promoted once it has " +
        "replayed everything, the other replicas follow it and the old primary is rewound (pg_rewind) and restarted as a replica.";

    public bool IsHeavy => true;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public void Validate(ParameterValues values, List<string> errors)
    {
    }

    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        RollingPreflight.Check(Name, values, connector, errors);
        return Task.CompletedTask;
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken) =>
        await new RollingRun(Name, RollingParameters.From(values), context).SwitchoverAsync(cancellationToken).ConfigureAwait(false);
}
