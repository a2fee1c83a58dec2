namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary><c>minor-upgrade</c>: a rolling restart onto new binaries of the same major version.</summary>
public sealed class MinorUpgradeOperation : RollingOperation
{
    public const string OperationName = "minor-upgrade";

    public override string Name => OperationName;

    public override string Summary =>
        "Restarts every instance onto newer binaries of the same major version, the way rolling-restart does (replicas " +
        "first, then a switchover): new binaries on this machine (binDirectory), or on Kubernetes a new image on the " +
        "StatefulSet and each pod replaced (image). Instances already on them are skipped, so a stopped upgrade can simply " +
        "be run again.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        RollingParameters.BinDirectory,
        RollingParameters.Image,
        RollingParameters.PrimaryUpdateMethod,
        RollingParameters.Candidate,
        RollingParameters.MaxLagBytes,
        RollingParameters.TimeoutSeconds,
        RollingParameters.MeasureWrites,
    ];

    public override void Validate(ParameterValues values, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        var binDirectory = values.GetString(RollingParameters.BinDirectoryName);
        var image = values.GetString(RollingParameters.ImageName);
        if ((binDirectory is null) == (image is null))
        {
            errors.Add("Give one of 'binDirectory' (the directory of the new PostgreSQL binaries on this machine) or 'image' (the new PostgreSQL + Patroni image of a cluster on Kubernetes).");
        }
        else if (binDirectory is not null && (binDirectory.Length == 0 || !Path.IsPathFullyQualified(binDirectory)))
        {
            errors.Add($"Parameter 'binDirectory' must be an absolute path (got '{binDirectory}').");
        }
        else if (image is not null && (image.Length == 0 || image.Length > 512 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            errors.Add("Parameter 'image' must be an image reference without spaces, e.g. registry/postgres-patroni:15.10.");
        }

        if (image is not null)
        {
            RollingParameters.ValidatePodReplacement(values, errors);
        }
    }

    protected override bool SwitchoverOnly => false;
}
