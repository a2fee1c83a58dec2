using Npgsql;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>
/// One heavy operation per cluster at a time, across every worker replica sharing the storage: a
/// session-level PostgreSQL advisory lock in the worker's database, held on its own connection for
/// the whole run. A worker that dies loses its connection, and with it the lock.
/// </summary>
public sealed class ClusterSlots(OpsDataSource dataSource)
{
    public async Task<ClusterSlot?> TryAcquireAsync(string cluster, CancellationToken cancellationToken)
    {
        var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockName(cluster) });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new ClusterSlot(connection, LockName(cluster));
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    private static string LockName(string cluster) => "stackgres-ops/cluster/" + cluster;
}
