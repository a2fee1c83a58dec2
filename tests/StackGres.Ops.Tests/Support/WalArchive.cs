using Npgsql;

namespace StackGres.Ops.Tests.Support;

/// <summary>Makes everything written so far reach the WAL archive.</summary>
public static class WalArchive
{
    /// <summary>Switches to a new WAL segment and waits (up to 30 s) until the server has archived the one it left.</summary>
    public static async Task SwitchAndWaitAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_walfile_name(pg_current_wal_lsn()), pg_switch_wal()", connection);
        var segment = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        for (var waited = 0; waited < 300; waited++)
        {
            await using var archived = new NpgsqlCommand("SELECT coalesce(last_archived_wal, '') >= $1 FROM pg_stat_archiver", connection);
            archived.Parameters.Add(new NpgsqlParameter<string> { TypedValue = segment });
            if ((bool)(await archived.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"WAL segment {segment} was not archived within 30 s");
    }
}
