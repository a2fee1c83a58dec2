using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>The typed parameters of <c>vacuum</c>, named after VACUUM's and vacuumdb's own options.</summary>
public sealed record VacuumParameters(
    IReadOnlyList<string> Databases,
    IReadOnlyList<string> Tables,
    bool Analyze,
    bool Freeze,
    bool Full)
{
    public const string DatabasesName = TableTargets.DatabasesName;
    public const string TablesName = TableTargets.TablesName;
    public const string SchemasName = TableTargets.SchemasName;
    public const string AnalyzeName = "analyze";
    public const string FreezeName = "freeze";
    public const string FullName = "full";
    public const string DisablePageSkippingName = "disablePageSkipping";
    public const string JobsName = "jobs";
    public const int MaxJobs = 32;

    public string Target { get; init; } = MaintenanceTarget.All;
    public IReadOnlyList<string> Schemas { get; init; } = [];
    public bool DisablePageSkipping { get; init; }
    public int Jobs { get; init; } = 1;
    public SessionLimits Limits { get; init; } = new(SessionLimits.DefaultLockTimeout, SessionLimits.DefaultStatementTimeout);
    public NeedThresholds Thresholds { get; init; } = NeedThresholds.Default;

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(DatabasesName, ParameterType.StringArray,
            "Databases to vacuum. Default: the cluster's default database."),
        new(TablesName, ParameterType.StringArray,
            "Tables to vacuum, as in vacuumdb --table: 'name' or 'schema.name', double-quoted where the name " +
            "has upper case or special characters. Default: every table of each database. Needs exactly one database."),
        new(SchemasName, ParameterType.StringArray,
            "Only tables of these schemas (exact names, as in vacuumdb --schema). Default: every schema, system catalogs included."),
        new(MaintenanceTarget.ParameterName, ParameterType.String,
            "'all' vacuums every table in scope, as vacuumdb does; 'needed' only those over the thresholds below " +
            "(dead tuples, estimated bloat when 'full', transaction-id age), wraparound risks first.",
            JsonValue.Create(MaintenanceTarget.All)) { AllowedValues = MaintenanceTarget.Values },
        new(AnalyzeName, ParameterType.Boolean, "Also update planner statistics (VACUUM ANALYZE).", JsonValue.Create(false)),
        new(FreezeName, ParameterType.Boolean, "Freeze every row (VACUUM FREEZE).", JsonValue.Create(false)),
        new(FullName, ParameterType.Boolean,
            "Rewrite each table to give space back to the operating system (VACUUM FULL); takes an exclusive lock.",
            JsonValue.Create(false)),
        new(DisablePageSkippingName, ParameterType.Boolean,
            "Visit every page, even those the visibility map says are all-visible (VACUUM DISABLE_PAGE_SKIPPING).",
            JsonValue.Create(false)),
        new(JobsName, ParameterType.Integer,
            "Vacuum this many tables at once, each on its own connection, as vacuumdb --jobs.",
            JsonValue.Create(1)) { Minimum = 1, Maximum = MaxJobs },
        SessionLimits.LockTimeoutDefinition,
        SessionLimits.StatementTimeoutDefinition,
        .. NeedThresholds.Definitions,
    ];

    /// <summary>Binds validated values; the cluster's default database stands in when none is named.</summary>
    public static VacuumParameters From(ParameterValues values, string defaultDatabase)
    {
        var databases = values.GetStrings(DatabasesName);
        return new VacuumParameters(
            databases.Count > 0 ? databases.Distinct(StringComparer.Ordinal).ToArray() : [defaultDatabase],
            values.GetStrings(TablesName).Distinct(StringComparer.Ordinal).ToArray(),
            values.GetBoolean(AnalyzeName, false),
            values.GetBoolean(FreezeName, false),
            values.GetBoolean(FullName, false))
        {
            Target = values.GetString(MaintenanceTarget.ParameterName) ?? MaintenanceTarget.All,
            Schemas = values.GetStrings(SchemasName).Distinct(StringComparer.Ordinal).ToArray(),
            DisablePageSkipping = values.GetBoolean(DisablePageSkippingName, false),
            Jobs = (int)values.GetInteger(JobsName, 1),
            Limits = SessionLimits.From(values),
            Thresholds = NeedThresholds.From(values),
        };
    }

    public TableScope Scope => new(Tables, Schemas, Target == MaintenanceTarget.Needed, Thresholds);

    public NeedKind Kind => Full ? NeedKind.VacuumFull : NeedKind.Vacuum;

    /// <summary>The option list of the VACUUM statement, e.g. <c>(FREEZE, ANALYZE)</c>, or empty.</summary>
    public string OptionList()
    {
        var options = new List<string>(4);
        if (Full)
        {
            options.Add("FULL");
        }

        if (Freeze)
        {
            options.Add("FREEZE");
        }

        if (Analyze)
        {
            options.Add("ANALYZE");
        }

        if (DisablePageSkipping)
        {
            options.Add("DISABLE_PAGE_SKIPPING");
        }

        return options.Count == 0 ? string.Empty : " (" + string.Join(", ", options) + ")";
    }
}
