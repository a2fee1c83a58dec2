using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// amcheck on a live cluster, as pg_amcheck does it: <c>verify_heapam</c> on every table and TOAST table in scope and
/// <c>bt_index_check</c> (with heapallindexed) on their B-tree indexes, one relation at a time under the run's
/// lock_timeout, pausing between relations when asked. Read-only (ACCESS SHARE locks), so running it again is safe.
/// </summary>
public sealed class VerifyOperation : IOperation
{
    public const string OperationName = "verify";

    public string Name => OperationName;

    public string Summary =>
        "Checks tables and B-tree indexes for corruption with amcheck (verify_heapam, bt_index_check with heapallindexed), " +
        "one relation at a time under a lock timeout; every problem found is reported with its relation, block and offset.";

    /// <summary>It reads every page of what it checks: one at a time per cluster, like vacuum.</summary>
    public bool IsHeavy => true;

    public bool IsIdempotent => true;

    public IReadOnlyList<ParameterDefinition> Parameters => VerifyParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors) => VerifyParameters.Validate(values, errors);

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = VerifyParameters.From(values, connector.DefaultDatabase);
        await TableTargets.PreflightAsync(connector, parameters.Databases, parameters.Tables, parameters.Schemas, errors, cancellationToken,
            async (connection, database, ct) =>
            {
                if ((await AmcheckExtension.ReadAsync(connection, ct).ConfigureAwait(false)).Problem(database, parameters.CreateExtension) is { } problem)
                {
                    errors.Add($"Cannot verify: {problem}.");
                }
            }).ConfigureAwait(false);
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var run = new VerifyRun(VerifyParameters.From(values, context.Connector.DefaultDatabase), context);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }
}
