using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>The typed parameters of <c>reindex</c>.</summary>
public sealed record ReindexParameters
{
    public const string DatabasesName = "databases";
    public const string IndexesName = "indexes";
    public const string TablesName = "tables";
    public const string SchemasName = "schemas";
    public const string TargetName = "target";
    public const string MinBloatRatioName = "minBloatRatio";
    public const string MinSizeMbName = "minSizeMb";
    public const string CleanLeftoversName = "cleanLeftovers";

    public required IReadOnlyList<string> Databases { get; init; }
    public IReadOnlyList<string> Indexes { get; init; } = [];
    public IReadOnlyList<string> Tables { get; init; } = [];
    public IReadOnlyList<string> Schemas { get; init; } = [];
    public string Target { get; init; } = ReindexTarget.Needed;
    public double MinBloatRatio { get; init; } = 0.3;
    public long MinSizeBytes { get; init; } = 1024 * 1024;
    public bool CleanLeftovers { get; init; } = true;
    public SessionLimits Limits { get; init; } = new(SessionLimits.DefaultLockTimeout, SessionLimits.DefaultStatementTimeout);

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(DatabasesName, ParameterType.StringArray, "Databases to work in. Default: the cluster's default database."),
        new(IndexesName, ParameterType.StringArray,
            "Indexes to rebuild: 'name' or 'schema.name', double-quoted where the name has upper case or special characters. " +
            "Needs exactly one database."),
        new(TablesName, ParameterType.StringArray, "Only indexes of these tables ('name' or 'schema.name'). Needs exactly one database."),
        new(SchemasName, ParameterType.StringArray, "Only indexes in these schemas. System catalogs are never rebuilt (REINDEX CONCURRENTLY cannot)."),
        new(TargetName, ParameterType.String,
            "'all' rebuilds every index in scope; 'bloated' only B-trees whose estimated bloat is over minBloatRatio; " +
            "'invalid' only invalid indexes; 'needed' both. Default: 'all' when indexes or tables are named, else 'needed'.")
        {
            AllowedValues = ReindexTarget.Values,
        },
        new(MinBloatRatioName, ParameterType.Number,
            "The estimated share of a B-tree a rebuild would give back for it to count as bloated (0.3 = 30%). The estimate " +
            "compares the index's size with a fresh build's from the entry count, key width (pg_stats, or the type length) and fill factor.",
            JsonValue.Create(0.3)) { Minimum = 0, Maximum = 1 },
        new(MinSizeMbName, ParameterType.Number, "Indexes smaller than this many MiB never count as bloated.", JsonValue.Create(1)) { Minimum = 0 },
        new(CleanLeftoversName, ParameterType.Boolean,
            "First drop (DROP INDEX CONCURRENTLY) the invalid '_ccnew' / '_ccold' indexes an interrupted REINDEX CONCURRENTLY " +
            "left behind, unless an index build is running on their table.",
            JsonValue.Create(true)),
        SessionLimits.LockTimeoutDefinition,
        SessionLimits.StatementTimeoutDefinition,
    ];

    public static ReindexParameters From(ParameterValues values, string defaultDatabase)
    {
        var databases = values.GetStrings(DatabasesName);
        var indexes = values.GetStrings(IndexesName).Distinct(StringComparer.Ordinal).ToArray();
        var tables = values.GetStrings(TablesName).Distinct(StringComparer.Ordinal).ToArray();
        return new ReindexParameters
        {
            Databases = databases.Count > 0 ? databases.Distinct(StringComparer.Ordinal).ToArray() : [defaultDatabase],
            Indexes = indexes,
            Tables = tables,
            Schemas = values.GetStrings(SchemasName).Distinct(StringComparer.Ordinal).ToArray(),
            Target = values.GetString(TargetName)
                     ?? (indexes.Length > 0 || tables.Length > 0 ? ReindexTarget.All : ReindexTarget.Needed),
            MinBloatRatio = values.GetNumber(MinBloatRatioName, 0.3),
            MinSizeBytes = (long)(values.GetNumber(MinSizeMbName, 1) * 1024 * 1024),
            CleanLeftovers = values.GetBoolean(CleanLeftoversName, true),
            Limits = SessionLimits.From(values),
        };
    }
}
