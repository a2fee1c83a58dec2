using Npgsql;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>One server-wide check of <c>health-check</c>, run on a connection to the cluster's default database.</summary>
public interface IHealthCheck
{
    Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings, CancellationToken cancellationToken);
}
