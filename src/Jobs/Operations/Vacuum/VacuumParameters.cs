using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>The typed parameters of <c>vacuum</c>, named after VACUUM's own options.</summary>
public sealed record VacuumParameters(
    IReadOnlyList<string> Databases,
    IReadOnlyList<string> Tables,
    bool Analyze,
    bool Freeze,
    bool Full)
{
    public const string DatabasesName = "databases";
    public const string TablesName = "tables";
    public const string AnalyzeName = "analyze";
    public const string FreezeName = "freeze";
    public const string FullName = "full";

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(DatabasesName, ParameterType.StringArray,
            "Databases to vacuum. Default: the cluster's default database."),
        new(TablesName, ParameterType.StringArray,
            "Tables to vacuum, as in vacuumdb --table: 'name' or 'schema.name', double-quoted where the name " +
            "has upper case or special characters. Default: every table of each database. Needs exactly one database."),
        new(AnalyzeName, ParameterType.Boolean, "Also update planner statistics (VACUUM ANALYZE).", JsonValue.Create(false)),
        new(FreezeName, ParameterType.Boolean, "Freeze every row (VACUUM FREEZE).", JsonValue.Create(false)),
        new(FullName, ParameterType.Boolean,
            "Rewrite each table to give space back to the operating system (VACUUM FULL); takes an exclusive lock.",
            JsonValue.Create(false)),
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
            values.GetBoolean(FullName, false));
    }

    /// <summary>The option list of the VACUUM statement, e.g. <c>(FREEZE, ANALYZE)</c>, or empty.</summary>
    public string OptionList()
    {
        var options = new List<string>(3);
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

        return options.Count == 0 ? string.Empty : " (" + string.Join(", ", options) + ")";
    }
}
