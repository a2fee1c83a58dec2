namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>minor-upgrade</c>: a rolling restart onto new binaries of the same major version.</summary>
public sealed class MinorUpgradeOperation : RollingOperation
{
    public const string OperationName = "minor-upgrade";

    public override string Name => OperationName;

    public override string Summary =>
        "Restarts every instance onto newer binaries of the same major version, the way rolling-restart does (replicas " +
        "first, then a switchover); instances already on them are skipped, so a stopped upgrade can simply be run again.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.BinDirectory,
        RollingParameters.PrimaryUpdateMethod,
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public override void Validate(ParameterValues values, List<string> errors)
    {
        if (values.GetString(RollingParameters.BinDirectoryName) is not { Length: > 0 } binDirectory)
        {
            errors.Add("Parameter 'binDirectory' is required: the directory of the new PostgreSQL binaries.");
        }
        else if (!Path.IsPathFullyQualified(binDirectory))
        {
            errors.Add($"Parameter 'binDirectory' must be an absolute path (got '{binDirectory}').");
        }
    }

    protected override bool SwitchoverOnly => false;
}
