using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Read-only health check of a cluster: replication lag and slot retention, transaction-id wraparound age,
/// estimated table and index bloat, invalid indexes, long-running and idle-in-transaction sessions,
/// connection saturation and disk use of data and WAL; each finding graded ok, warning or critical.
/// </summary>
public sealed class HealthCheckOperation : IOperation
{
    public const string OperationName = "health-check";
    public const string DatabasesName = "databases";

    public string Name => OperationName;

    public string Summary =>
        "Read-only health check: replication lag and slot retention, transaction-id wraparound age, estimated table and " +
        "index bloat, invalid indexes, long-running and idle-in-transaction sessions, connection saturation, disk use of " +
        "data and WAL; each finding ok, warning or critical.";

    public bool IsHeavy => false;


    public bool IsIdempotent => true;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new(DatabasesName, ParameterType.StringArray,
            "Databases whose tables and indexes are checked for bloat and invalid indexes. Default: every database that " +
            "accepts connections, templates excepted. The server-wide checks always cover the whole cluster."),
        .. HealthThresholds.Definitions,
    ];

    public void Validate(ParameterValues values, List<string> errors) => HealthThresholds.Validate(values, errors);

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        foreach (var database in values.GetStrings(DatabasesName).Distinct(StringComparer.Ordinal))
        {
            await using var connection = await Preflight.TryOpenAsync(connector, database, errors, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var run = new HealthCheckRun(HealthThresholds.From(values), values.GetStrings(DatabasesName).Distinct(StringComparer.Ordinal).ToArray(), context);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }
}
