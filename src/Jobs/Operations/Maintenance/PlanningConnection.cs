using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The connection a run planned one database on, kept open so that the work on that database starts
/// on it instead of opening another (a new backend also has to load the catalog caches again).
/// Whoever <see cref="Take"/>s it owns it; disposing disposes it only when nobody took it.
/// </summary>
public sealed class PlanningConnection(NpgsqlConnection connection) : IAsyncDisposable
{
    private NpgsqlConnection? _connection = connection;

    /// <summary>The connection, once; null afterwards.</summary>
    public NpgsqlConnection? Take() => Interlocked.Exchange(ref _connection, null);

    /// <summary>The connection when nobody took it yet, else a new one to the same database.</summary>
    public async Task<NpgsqlConnection> TakeOrOpenAsync(OperationContext context, string database, CancellationToken cancellationToken) =>
        Take() ?? await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => Take() is { } connection ? connection.DisposeAsync() : ValueTask.CompletedTask;
}
