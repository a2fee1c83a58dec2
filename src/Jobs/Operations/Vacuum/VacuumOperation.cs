using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>
/// VACUUM (optionally FULL, FREEZE, ANALYZE) table by table, as vacuumdb does, of every table in scope
/// or only of those that need it, under a lock_timeout, with progress from the server.
/// </summary>
public sealed class VacuumOperation : IOperation, ITargetsFindings
{
    public const string OperationName = "vacuum";

    public string Name => OperationName;

    public string Summary =>
        "VACUUM, optionally with ANALYZE, FREEZE or FULL, of whole databases, schemas, chosen tables, or only the tables " +
        "over dead-tuple, bloat or transaction-id age thresholds (wraparound risks first).";

    public bool IsHeavy => true;

    public bool IsIdempotent => true;

    public FindingTarget FindingTarget { get; } = new(OperationName, [HealthCheck.RelationCheck.TableBloatCheck], VacuumParameters.TablesName,
        RelationKind.Table, [VacuumParameters.TablesName]);

    public IReadOnlyList<ParameterDefinition> Parameters => VacuumParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors)
    {
        TableTargets.Validate(values, errors);
        if (values.GetBoolean(VacuumParameters.FullName, false) && values.GetBoolean(VacuumParameters.DisablePageSkippingName, false))
        {
            errors.Add("Parameter 'disablePageSkipping' cannot be used with 'full' (VACUUM FULL reads every page anyway).");
        }

        SessionLimits.Validate(values, errors);
    }

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = VacuumParameters.From(values, connector.DefaultDatabase);
        await TableTargets.PreflightAsync(connector, parameters.Databases, parameters.Tables, parameters.Schemas, errors, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var parameters = VacuumParameters.From(values, context.Connector.DefaultDatabase);
        var run = new VacuumRun(parameters, context);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }
}
