using Npgsql;

namespace StackGres.Ops.Tests.Cli.Support;

/// <summary>
/// Holds ACCESS EXCLUSIVE on a table, so that a vacuum of it waits in the middle of its run: the way
/// to keep a real run running for as long as a test needs.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private readonly string table;
    private readonly string connectionString;

    private TableLock(string connectionString, NpgsqlConnection connection, NpgsqlTransaction transaction, string table)
    {
        this.connectionString = connectionString;
        this.connection = connection;
        this.transaction = transaction;
        this.table = table;
    }

    public static async Task<TableLock> TakeAsync(string connectionString, string table, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new TableLock(connectionString, connection, transaction, table);
    }

    /// <summary>Waits until another session (the run's) waits for this lock.</summary>
    public async Task WaitForWaiterAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await using var probe = new NpgsqlConnection(connectionString);
        await probe.OpenAsync(timeout.Token);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_catalog.pg_locks WHERE NOT granted AND relation = $1::regclass", probe);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        while ((long)(await command.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Drops the table and commits: the waiting run then finds it gone.</summary>
    public async Task DropAndReleaseAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"DROP TABLE {table}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
