using Npgsql;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// One heavy operation per cluster at a time, across every worker replica sharing the storage: a
/// session-level PostgreSQL advisory lock in the worker's database, held on its own connection for
/// the whole run, and checked while the run goes on. A worker that dies loses its connection, and with it the lock.
/// </summary>
public sealed class ClusterSlots(OpsDataSource dataSource)
{
    public async Task<ClusterSlot?> TryAcquireAsync(string cluster, CancellationToken cancellationToken)
    {
        var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await ClusterSlot.TryLockAsync(connection, LockName(cluster), cancellationToken))
            {
                return new ClusterSlot(dataSource, connection, LockName(cluster));
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
