using Npgsql;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>A held cluster slot; disposing releases it.</summary>
public sealed class ClusterSlot(NpgsqlConnection connection, string lockName) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockName });
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
