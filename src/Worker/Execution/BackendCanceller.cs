using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// The safety net after a run ends: whatever happened to the runner, no backend of the run keeps
/// working on the cluster. Backends are found by the run's application_name.
/// </summary>
public sealed class BackendCanceller(ILogger<BackendCanceller> logger)
{
    public async Task<int> CancelAsync(Guid runId, InventoryCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            await using var connector = cluster.Connect("stackgres-ops/worker");
            await using var connection = await connector.OpenAsync(null, cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_catalog.pg_cancel_backend(pid)) FROM pg_catalog.pg_stat_activity " +
                "WHERE application_name = $1 AND pid <> pg_catalog.pg_backend_pid()", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApplicationNames.ForRun(runId) });
            var cancelled = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (cancelled > 0)
            {
                Log.BackendsCancelled(logger, cancelled);
            }

            return cancelled;
        }
        catch (NpgsqlException e)
        {
            Log.BackendCancelFailed(logger, e);
            return 0;
        }
    }
}
