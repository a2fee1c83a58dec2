using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.Restore;

namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>The typed parameters of <c>restore-test</c>.</summary>
public sealed record RestoreTestParameters(string? BackupSet, bool ReplayWal, string? Database, IReadOnlyList<string> Tables, bool Amcheck)
{
    public const string ReplayWalName = "replayWal";
    public const string DatabaseName = "database";
    public const string TablesName = "tables";
    public const string AmcheckName = "amcheck";

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(RestoreParameters.BackupSetName, ParameterType.String, "The backup set to prove (its label). Default: the latest."),
        new(ReplayWalName, ParameterType.Boolean,
            "Also replay the archived WAL to its end (proves the archive too); otherwise recovery stops where the backup is consistent.",
            JsonValue.Create(false)),
        new(DatabaseName, ParameterType.String, "The database holding 'tables'. Default: the cluster's default database."),
        new(TablesName, ParameterType.StringArray, "Tables to count rows of in the restored copy; each must exist there."),
        new(AmcheckName, ParameterType.Boolean,
            "Check every B-tree index and table of every database with amcheck (bt_index_check, verify_heapam) when the extension is available.",
            JsonValue.Create(true)),
    ];

    public static RestoreTestParameters From(ParameterValues values, List<string> errors) => new(
        RestoreParameters.ValidatedBackupSet(values, errors),
        values.GetBoolean(ReplayWalName, false),
        values.GetString(DatabaseName),
        values.GetStrings(TablesName).Distinct(StringComparer.Ordinal).ToArray(),
        values.GetBoolean(AmcheckName, true));
}
