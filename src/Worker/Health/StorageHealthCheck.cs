using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Health;

/// <summary>Ready when the worker's own database answers.</summary>
public sealed class StorageHealthCheck(OpsDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.Value.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("Run storage is reachable.");
        }
        catch (Npgsql.NpgsqlException e)
        {
            // The message names host and port at most, never the password.
            return HealthCheckResult.Unhealthy($"Run storage is not reachable: {e.Message}");
        }
    }
}
