using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>The typed parameters of <c>verify</c>, named after pg_amcheck's and amcheck's own options.</summary>
public sealed record VerifyParameters
{
    public const string HeapAllIndexedName = "heapallindexed";
    public const string CheckToastName = "checkToast";
    public const string CreateExtensionName = "createExtension";
    public const string PauseName = "pauseBetweenRelations";
    public const string JobsName = "jobs";
    public const int MaxJobs = 8;
    public static readonly TimeSpan MaxPause = TimeSpan.FromHours(1);

    public required IReadOnlyList<string> Databases { get; init; }
    public IReadOnlyList<string> Tables { get; init; } = [];
    public IReadOnlyList<string> Schemas { get; init; } = [];
    public bool HeapAllIndexed { get; init; } = true;
    public bool CheckToast { get; init; } = true;
    public bool CreateExtension { get; init; }
    public TimeSpan Pause { get; init; }
    public int Jobs { get; init; } = 1;
    public SessionLimits Limits { get; init; } = new(SessionLimits.DefaultLockTimeout, SessionLimits.DefaultStatementTimeout);

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(TableTargets.DatabasesName, ParameterType.StringArray, "Databases to check. Default: the cluster's default database."),
        new(TableTargets.TablesName, ParameterType.StringArray,
            "Tables to check, with their TOAST tables and B-tree indexes: 'name' or 'schema.name', double-quoted where the " +
            "name has upper case or special characters. Default: every table of each database, system catalogs included. " +
            "Needs exactly one database."),
        new(TableTargets.SchemasName, ParameterType.StringArray,
            "Only tables of these schemas (exact names, as in pg_amcheck --schema). Default: every schema."),
        new(HeapAllIndexedName, ParameterType.Boolean,
            "bt_index_check(heapallindexed => true): also check that every heap tuple has its index entry (pg_amcheck " +
            "--heapallindexed). Reads the table once more per index.",
            JsonValue.Create(true)),
        new(CheckToastName, ParameterType.Boolean,
            "verify_heapam(check_toast => true): also follow each TOAST pointer into the TOAST table (what pg_amcheck does " +
            "unless --exclude-toast-pointers).",
            JsonValue.Create(true)),
        new(CreateExtensionName, ParameterType.Boolean,
            "Create the amcheck extension (CREATE EXTENSION amcheck, which needs a superuser) in a database that lacks it, " +
            "instead of refusing.",
            JsonValue.Create(false)),
        new(PauseName, ParameterType.String,
            "Wait this long after each relation before checking the next ('0', '200ms', '2s'), to leave the server's I/O " +
            "to its clients; at most 1h.",
            JsonValue.Create("0")),
        new(JobsName, ParameterType.Integer,
            "Check this many relations at once, each on its own connection (as pg_amcheck --jobs). 1 checks one relation at a time.",
            JsonValue.Create(1)) { Minimum = 1, Maximum = MaxJobs },
        SessionLimits.LockTimeoutDefinition,
        SessionLimits.StatementTimeoutDefinition,
    ];

    public static void Validate(ParameterValues values, List<string> errors)
    {
        TableTargets.Validate(values, errors);
        SessionLimits.Validate(values, errors);
        if (values.GetString(PauseName) is { } pause && (!PgDuration.IsValid(pause) || PgDuration.ToTimeSpan(pause) > MaxPause))
        {
            errors.Add($"Parameter '{PauseName}' must be a PostgreSQL duration of at most 1h such as '0', '200ms' or '2s', got '{pause}'.");
        }
    }

    /// <summary>Binds validated values; the cluster's default database stands in when none is named.</summary>
    public static VerifyParameters From(ParameterValues values, string defaultDatabase)
    {
        var databases = values.GetStrings(TableTargets.DatabasesName);
        return new VerifyParameters
        {
            Databases = databases.Count > 0 ? databases.Distinct(StringComparer.Ordinal).ToArray() : [defaultDatabase],
            Tables = values.GetStrings(TableTargets.TablesName).Distinct(StringComparer.Ordinal).ToArray(),
            Schemas = values.GetStrings(TableTargets.SchemasName).Distinct(StringComparer.Ordinal).ToArray(),
            HeapAllIndexed = values.GetBoolean(HeapAllIndexedName, true),
            CheckToast = values.GetBoolean(CheckToastName, true),
            CreateExtension = values.GetBoolean(CreateExtensionName, false),
            Pause = PgDuration.ToTimeSpan(values.GetString(PauseName) ?? "0"),
            Jobs = (int)values.GetInteger(JobsName, 1),
            Limits = SessionLimits.From(values),
        };
    }

    /// <summary>The checks, as the plan's log line names them.</summary>
    public string Describe() =>
        $"verify_heapam{(CheckToast ? " (check_toast)" : string.Empty)}, bt_index_check{(HeapAllIndexed ? " (heapallindexed)" : string.Empty)}";
}
