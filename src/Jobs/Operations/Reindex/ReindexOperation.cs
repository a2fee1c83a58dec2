using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>
/// REINDEX INDEX CONCURRENTLY of chosen, bloated or invalid indexes, one at a time, under a
/// lock_timeout, with progress from pg_stat_progress_create_index; cleans the invalid '_ccnew'
/// indexes an interrupted rebuild leaves, its own included.
/// </summary>
public sealed class ReindexOperation : IOperation, ITargetsFindings
{
    public const string OperationName = "reindex";

    public string Name => OperationName;

    public string Summary =>
        "REINDEX INDEX CONCURRENTLY of chosen indexes, of B-trees over an estimated bloat ratio, or of invalid indexes; " +
        "drops the invalid '_ccnew' indexes of interrupted rebuilds.";

    public bool IsHeavy => true;


    public bool IsIdempotent => true;

    public FindingTarget FindingTarget { get; } = new(OperationName, [HealthCheck.RelationCheck.IndexBloatCheck, HealthCheck.RelationCheck.InvalidIndexCheck],
        ReindexParameters.IndexesName, RelationKind.Index, [ReindexParameters.IndexesName, ReindexParameters.TablesName]);

    public IReadOnlyList<ParameterDefinition> Parameters => ReindexParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors)
    {
        if ((values.GetStrings(ReindexParameters.IndexesName).Count > 0 || values.GetStrings(ReindexParameters.TablesName).Count > 0) &&
            values.GetStrings(ReindexParameters.DatabasesName).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add("Parameters 'indexes' and 'tables' need exactly one database in 'databases'.");
        }

        SessionLimits.Validate(values, errors);
    }

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = ReindexParameters.From(values, connector.DefaultDatabase);
        foreach (var database in parameters.Databases)
        {
            await using var connection = await Preflight.TryOpenAsync(connector, database, errors, cancellationToken).ConfigureAwait(false);
            if (connection is not null)
            {
                await Preflight.CheckIndexesAsync(connection, database, parameters.Indexes, errors, cancellationToken).ConfigureAwait(false);
                await Preflight.CheckTablesAsync(connection, database, parameters.Tables, errors, cancellationToken).ConfigureAwait(false);
                await Preflight.CheckSchemasAsync(connection, database, parameters.Schemas, errors, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var run = new ReindexRun(ReindexParameters.From(values, context.Connector.DefaultDatabase), context);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }
}
