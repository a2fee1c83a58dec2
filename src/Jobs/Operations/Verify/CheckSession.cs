using System.Data;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// The connection one verify worker checks on, opened again (with the run's session limits) whenever it is not open:
/// Npgsql breaks a connection on any error of class XX, which is how amcheck reports corruption (XX001, XX002), so the
/// relation after a corrupt one needs a new connection.
/// </summary>
internal sealed class CheckSession(CheckConnections connections, string database, SessionLimits limits) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }

        var connection = await connections.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        try
        {
            await limits.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return _connection = connection;
    }

    public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
}
