using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>minor-upgrade</c>: a rolling restart onto new binaries of the same major version.</summary>
public sealed class MinorUpgradeOperation : IOperation
{
    public const string OperationName = "minor-upgrade";

    public string Name => OperationName;

    public string Summary =>
        "Restarts every instance onto newer binaries of the same major version, the way rolling-restart does (replicas " +
        "first, then a switchover); instances already on them are skipped, so a stopped upgrade can simply be run again.";

    public bool IsHeavy => true;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.BinDirectory,
        RollingParameters.PrimaryUpdateMethod,
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public void Validate(ParameterValues values, List<string> errors)
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

    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        RollingPreflight.Check(Name, values, connector, errors);
        return Task.CompletedTask;
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken) =>
        await new RollingRun(Name, RollingParameters.From(values), context).RollAsync(cancellationToken).ConfigureAwait(false);
}
