namespace StackGres.Ops.Jobs.Operations;

/// <summary>
/// How an operation takes its targets from health-check findings: which checks name objects it can work on, the
/// parameter those objects fill, and the parameters the findings replace (a step may not set them too).
/// Every such operation names its database in <c>databases</c> and may be narrowed with <c>schemas</c>.
/// </summary>
public sealed record FindingTarget(string Operation, IReadOnlyList<string> Checks, string Parameter, RelationKind Kind,
    IReadOnlyList<string> Replaced)
{
    /// <summary>Schemas whose relations the operation cannot work on (pg_repack cannot rebuild system catalogs).</summary>
    public IReadOnlyList<string> ExcludedSchemas { get; init; } = [];

    public const string DatabasesParameter = "databases";
    public const string SchemasParameter = "schemas";
}

/// <summary>An operation that can work on the objects health-check findings name.</summary>
public interface ITargetsFindings
{
    FindingTarget FindingTarget { get; }
}

/// <summary>What kind of relation a finding's object is.</summary>
public enum RelationKind
{
    Table,
    Index,
}
