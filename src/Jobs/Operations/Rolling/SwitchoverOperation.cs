namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>switchover</c>: the primary's role moves to a replica; the old primary is rewound and follows it.</summary>
public sealed class SwitchoverOperation : RollingOperation
{
    public const string OperationName = "switchover";

    public override string Name => OperationName;

    public override string Summary =>
        "Planned switchover: the primary stops cleanly, the most caught-up (or named) replica is promoted once it has " +
        "replayed everything, the other replicas follow it and the old primary is rewound (pg_rewind) and restarted as a replica.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    protected override bool SwitchoverOnly => true;
}
