using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>The typed parameters of <c>repack</c>, named after pg_repack's options and StackGres' repack op.</summary>
public sealed record RepackParameters
{
    public const string DatabasesName = "databases";
    public const string TablesName = "tables";
    public const string SchemasName = "schemas";
    public const string CreateExtensionName = "createExtension";
    public const string WaitTimeoutName = "waitTimeout";
    public const string NoKillBackendName = "noKillBackend";
    public const string NoOrderName = "noOrder";
    public const string NoAnalyzeName = "noAnalyze";
    public const string JobsName = "jobs";
    public const string AssumeFreeDiskBytesName = "assumeFreeDiskBytes";

    public required IReadOnlyList<string> Databases { get; init; }
    public IReadOnlyList<string> Tables { get; init; } = [];
    public IReadOnlyList<string> Schemas { get; init; } = [];
    public string Target { get; init; } = MaintenanceTarget.Needed;
    public NeedThresholds Thresholds { get; init; } = NeedThresholds.Default;
    public bool CreateExtension { get; init; }
    public int WaitTimeoutSeconds { get; init; } = 60;
    public bool NoKillBackend { get; init; } = true;
    public bool NoOrder { get; init; }
    public bool NoAnalyze { get; init; }
    public int Jobs { get; init; } = 1;
    public long? AssumeFreeDiskBytes { get; init; }

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(DatabasesName, ParameterType.StringArray, "Databases to repack. Default: the cluster's default database."),
        new(TablesName, ParameterType.StringArray,
            "Tables to repack, as pg_repack --table: 'name' or 'schema.name', double-quoted where the name has upper case or " +
            "special characters. Each must have a primary key or a usable unique index. Needs exactly one database."),
        new(SchemasName, ParameterType.StringArray, "Only tables of these schemas (as pg_repack --schema)."),
        new(MaintenanceTarget.ParameterName, ParameterType.String,
            "'all' repacks every table in scope; 'needed' only those over minBloatRatio or the dead-tuple thresholds and at " +
            "least minSizeMb. Default: 'all' when tables are named, else 'needed'.")
        {
            AllowedValues = MaintenanceTarget.Values,
        },
        .. NeedThresholds.Definitions.Where(d => d.Name != NeedThresholds.XidAgeThresholdName),
        new(CreateExtensionName, ParameterType.Boolean,
            "Create the pg_repack extension in a database that lacks it (CREATE EXTENSION pg_repack) instead of refusing.",
            JsonValue.Create(false)),
        new(WaitTimeoutName, ParameterType.Integer,
            "Seconds pg_repack waits for the locks it needs (pg_repack --wait-timeout) before it gives up on a table " +
            "(noKillBackend) or cancels the sessions in its way.",
            JsonValue.Create(60)) { Minimum = 1, Maximum = 86_400 },
        new(NoKillBackendName, ParameterType.Boolean,
            "When waitTimeout passes, skip the table instead of cancelling and terminating the sessions that hold its " +
            "lock (pg_repack --no-kill-backend). On by default so that a repack never kills production sessions.",
            JsonValue.Create(true)),
        new(NoOrderName, ParameterType.Boolean, "Do an online VACUUM FULL instead of clustering by the cluster index (pg_repack --no-order).",
            JsonValue.Create(false)),
        new(NoAnalyzeName, ParameterType.Boolean, "Do not ANALYZE after repacking (pg_repack --no-analyze).", JsonValue.Create(false)),
        new(JobsName, ParameterType.Integer, "Build this many indexes of a table at once (pg_repack --jobs).", JsonValue.Create(1))
        {
            Minimum = 1,
            Maximum = 16,
        },
        new(AssumeFreeDiskBytesName, ParameterType.Integer,
            "Free bytes on the volume of the server's data directory, for servers whose free space the runner cannot " +
            "measure. The runner measures it only when the server's data directory is on its own machine (same " +
            "postmaster.pid); otherwise, without this, a repack is refused: the copy needs about twice the table's " +
            "total size (heap, indexes, TOAST) free while it runs.")
        {
            Minimum = 0,
        },
    ];

    public static RepackParameters From(ParameterValues values, string defaultDatabase)
    {
        var databases = values.GetStrings(DatabasesName);
        var tables = values.GetStrings(TablesName).Distinct(StringComparer.Ordinal).ToArray();
        return new RepackParameters
        {
            Databases = databases.Count > 0 ? databases.Distinct(StringComparer.Ordinal).ToArray() : [defaultDatabase],
            Tables = tables,
            Schemas = values.GetStrings(SchemasName).Distinct(StringComparer.Ordinal).ToArray(),
            Target = values.GetString(MaintenanceTarget.ParameterName) ?? (tables.Length > 0 ? MaintenanceTarget.All : MaintenanceTarget.Needed),
            Thresholds = NeedThresholds.From(values),
            CreateExtension = values.GetBoolean(CreateExtensionName, false),
            WaitTimeoutSeconds = (int)values.GetInteger(WaitTimeoutName, 60),
            NoKillBackend = values.GetBoolean(NoKillBackendName, true),
            NoOrder = values.GetBoolean(NoOrderName, false),
            NoAnalyze = values.GetBoolean(NoAnalyzeName, false),
            Jobs = (int)values.GetInteger(JobsName, 1),
            AssumeFreeDiskBytes = values.Has(AssumeFreeDiskBytesName) ? values.GetInteger(AssumeFreeDiskBytesName, 0) : null,
        };
    }

    public TableScope Scope => new(Tables, Schemas, Target == MaintenanceTarget.Needed, Thresholds);
}
