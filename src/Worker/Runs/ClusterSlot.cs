using Npgsql;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// A held cluster slot: a session advisory lock on its own connection. The lock lives as long as
/// that session, so the slot is checked while the run goes on (<see cref="EnsureHeldAsync"/>): a
/// session that died (its backend terminated, the storage restarted) is replaced and the lock taken
/// again, unless another worker took it meanwhile. Disposing releases it.
/// </summary>
public sealed class ClusterSlot(OpsDataSource dataSource, NpgsqlConnection connection, string lockName) : IAsyncDisposable
{
    private NpgsqlConnection connection = connection;

    /// <summary>
    /// Held: the slot is this run's (its session still holds the lock, or it was lost and taken
    /// again: Retaken). Not held: it was lost and another run holds it now. Throws when the storage
    /// cannot say.
    /// </summary>
    public async Task<(bool Held, bool Retaken)> EnsureHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var check = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted", connection);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                return (true, false);
            }
        }
        catch (Exception e) when (StorageRetry.IsTransient(e) || e is InvalidOperationException)
        {
            // The session is gone: so is the lock.
        }

        await connection.DisposeAsync();
        connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        var held = await TryLockAsync(connection, lockName, cancellationToken);
        return (held, held);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockName });
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception e) when (StorageRetry.IsTransient(e) || e is InvalidOperationException)
        {
            // The session is gone, and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    internal static async Task<bool> TryLockAsync(NpgsqlConnection connection, string lockName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockName });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
