namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>The values of the <c>target</c> parameter of vacuum and repack.</summary>
public static class MaintenanceTarget
{
    public const string ParameterName = "target";

    /// <summary>Every table in scope (the chosen tables, schemas or the whole database).</summary>
    public const string All = "all";

    /// <summary>Only the tables in scope that are over the thresholds.</summary>
    public const string Needed = "needed";

    public static IReadOnlyList<string> Values { get; } = [All, Needed];
}
