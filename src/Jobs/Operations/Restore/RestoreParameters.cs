using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>The typed parameters of <c>restore</c>.</summary>
public sealed partial record RestoreParameters(
    RestoreTarget Target,
    bool TargetExclusive,
    string? BackupSet,
    string? DataDirectory,
    int Port,
    bool Overwrite,
    string? ConfirmCluster)
{
    public const string TargetExclusiveName = "targetExclusive";
    public const string BackupSetName = "backupSet";
    public const string DataDirectoryName = "dataDirectory";
    public const string PortName = "port";
    public const string OverwriteName = "overwrite";
    public const string ConfirmClusterName = "confirmCluster";

    public static ParameterDefinition BackupSetDefinition { get; } = new(BackupSetName, ParameterType.String,
        "The backup set to restore (its label, e.g. 20240501-120000F). Default: pgBackRest picks the newest one before the target.");

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        .. RestoreTarget.Definitions,
        new(TargetExclusiveName, ParameterType.Boolean, "Stop just before the target instead of just after it (recovery_target_inclusive = off).",
            JsonValue.Create(false)),
        BackupSetDefinition,
        new(DataDirectoryName, ParameterType.String,
            "Data directory of the new instance: absolute, missing or empty. Default: {cluster}-restore-{run} beside the cluster's data directory."),
        new(PortName, ParameterType.Integer, "TCP port of the new instance. Default: a free port."),
        new(OverwriteName, ParameterType.Boolean,
            "Restore over the cluster itself instead of into a new instance: stops it, restores its data directory in place " +
            "(pgbackrest restore --delta) and starts it. Needs confirmCluster.", JsonValue.Create(false)),
        new(ConfirmClusterName, ParameterType.String, "With overwrite: the cluster's name, typed again."),
    ];

    public static RestoreParameters From(ParameterValues values, List<string> errors)
    {
        var target = RestoreTarget.From(values, errors);
        var backupSet = ValidatedBackupSet(values, errors);
        var dataDirectory = values.GetString(DataDirectoryName);
        if (dataDirectory is not null && (!Path.IsPathFullyQualified(dataDirectory) || dataDirectory.AsSpan().IndexOfAny("'\n\r") >= 0))
        {
            errors.Add($"Parameter '{DataDirectoryName}' must be an absolute path without quotes or line breaks (got '{dataDirectory}').");
        }

        var port = values.GetInteger(PortName, 0);
        if (values.Has(PortName) && port is < 1 or > 65535)
        {
            errors.Add($"Parameter '{PortName}' must be between 1 and 65535 (got {port}).");
        }

        var overwrite = values.GetBoolean(OverwriteName, false);
        var confirm = values.GetString(ConfirmClusterName);
        if (overwrite && string.IsNullOrEmpty(confirm))
        {
            errors.Add($"'{OverwriteName}: true' restores over the running cluster and destroys its current data: name the cluster " +
                       $"again in '{ConfirmClusterName}' to confirm.");
        }

        if (overwrite && (dataDirectory is not null || values.Has(PortName)))
        {
            errors.Add($"'{OverwriteName}: true' restores into the cluster's own data directory and port: leave out " +
                       $"'{DataDirectoryName}' and '{PortName}'.");
        }

        if (!overwrite && confirm is not null)
        {
            errors.Add($"'{ConfirmClusterName}' only goes with '{OverwriteName}: true'.");
        }

        return new RestoreParameters(target, values.GetBoolean(TargetExclusiveName, false), backupSet, dataDirectory, (int)port, overwrite, confirm);
    }

    public static string? ValidatedBackupSet(ParameterValues values, List<string> errors)
    {
        var backupSet = values.GetString(BackupSetName);
        if (backupSet is not null && !BackupLabel().IsMatch(backupSet))
        {
            errors.Add($"Parameter '{BackupSetName}' must be a pgBackRest backup label such as 20240501-120000F or " +
                       $"20240501-120000F_20240502-120000I (got '{backupSet}').");
        }

        return backupSet;
    }

    [GeneratedRegex(@"^\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?$")]
    private static partial Regex BackupLabel();
}
