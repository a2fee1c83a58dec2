using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Jobs.Operations.Reindex;
using StackGres.Ops.Jobs.Operations.Repack;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Worker.Scheduling.Findings;

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

    public static IReadOnlyList<FindingTarget> All { get; } =
    [
        new(VacuumOperation.OperationName, [RelationCheck.TableBloatCheck], VacuumParameters.TablesName, RelationKind.Table,
            [VacuumParameters.TablesName]),
        new(RepackOperation.OperationName, [RelationCheck.TableBloatCheck], RepackParameters.TablesName, RelationKind.Table,
            [RepackParameters.TablesName]) { ExcludedSchemas = ["pg_catalog", "information_schema"] },
        new(ReindexOperation.OperationName, [RelationCheck.IndexBloatCheck, RelationCheck.InvalidIndexCheck], ReindexParameters.IndexesName,
            RelationKind.Index, [ReindexParameters.IndexesName, ReindexParameters.TablesName]),
    ];

    public static FindingTarget? For(string operation) => All.FirstOrDefault(t => t.Operation == operation);
}

/// <summary>What kind of relation a finding's object is.</summary>
public enum RelationKind
{
    Table,
    Index,
}
