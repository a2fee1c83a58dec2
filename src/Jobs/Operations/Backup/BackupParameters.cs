using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>The typed parameters of <c>backup</c>, named after pgBackRest's options.</summary>
public sealed record BackupParameters(string Type, bool ConfigureArchiving, int? RetentionFull, int? RetentionDiff)
{
    public const string TypeName = "type";
    public const string ConfigureArchivingName = "configureArchiving";
    public const string RetentionFullName = "retentionFull";
    public const string RetentionDiffName = "retentionDiff";

    public static readonly string[] Types = ["full", "diff", "incr"];

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(TypeName, ParameterType.String,
            "pgBackRest backup type: full, diff (changes since the last full) or incr (changes since the last backup; " +
            "pgBackRest takes a full one when there is none yet).", JsonValue.Create("incr")),
        new(ConfigureArchivingName, ParameterType.Boolean,
            "Set up WAL archiving to this repository when it is not: archive_mode = on and archive_command through " +
            "ALTER SYSTEM, then a reload, or a restart with the cluster's PgCtl when archive_mode (or wal_level) changes.",
            JsonValue.Create(false)),
        new(RetentionFullName, ParameterType.Integer,
            "Full backups to keep (repo1-retention-full). Default: the cluster's Backup:RetentionFull."),
        new(RetentionDiffName, ParameterType.Integer,
            "Differential backups to keep (repo1-retention-diff). Default: the cluster's Backup:RetentionDiff."),
    ];

    public static BackupParameters From(ParameterValues values) => new(
        values.GetString(TypeName) ?? "incr",
        values.GetBoolean(ConfigureArchivingName, false),
        values.Has(RetentionFullName) ? (int)values.GetInteger(RetentionFullName, 0) : null,
        values.Has(RetentionDiffName) ? (int)values.GetInteger(RetentionDiffName, 0) : null);

    public static void Validate(ParameterValues values, List<string> errors)
    {
        if (values.GetString(TypeName) is { } type && !Types.Contains(type, StringComparer.Ordinal))
        {
            errors.Add($"Parameter 'type' must be one of {string.Join(", ", Types)}, got '{type}'.");
        }

        foreach (var name in new[] { RetentionFullName, RetentionDiffName })
        {
            if (values.Has(name) && values.GetInteger(name, 0) is < 1 or > 9999999)
            {
                errors.Add($"Parameter '{name}' must be between 1 and 9999999.");
            }
        }
    }
}
