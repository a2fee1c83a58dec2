using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>
/// Finds and drops the invalid transient indexes of an interrupted REINDEX CONCURRENTLY ("_ccnew":
/// the unfinished copy; "_ccold": the old index the swap could not drop). An index whose table has an
/// index build in progress (pg_stat_progress_create_index) is left alone: it may be that build's.
/// </summary>
public static class LeftoverIndexes
{
    public static async Task<IReadOnlyList<LeftoverIndex>> FindAsync(NpgsqlConnection connection, IReadOnlyCollection<string>? schemas,
        IReadOnlyCollection<uint>? tableOids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT i.indexrelid, n.nspname, c.relname, i.indrelid
            FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid AND c.relname ~ '_cc(new|old)[0-9]*$'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND ($1::text[] IS NULL OR n.nspname = ANY ($1))
              AND ($2::oid[] IS NULL OR i.indrelid = ANY ($2))
            ORDER BY n.nspname, c.relname
            """, connection);
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = schemas is null || schemas.Count == 0 ? DBNull.Value : schemas.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = tableOids is null ? DBNull.Value : tableOids.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid,
        });
        var found = new List<LeftoverIndex>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new LeftoverIndex(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<uint>(3)));
        }

        return found;
    }

    /// <summary>Drops one left-over index; returns null when dropped, else why it was left alone.</summary>
    public static async Task<string?> DropAsync(NpgsqlConnection connection, LeftoverIndex index, CancellationToken cancellationToken)
    {
        await using (var busy = new NpgsqlCommand(
                         "SELECT pid FROM pg_catalog.pg_stat_progress_create_index WHERE relid = $1 AND pid <> pg_catalog.pg_backend_pid() LIMIT 1",
                         connection))
        {
            busy.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = index.TableOid, DataTypeName = "oid" });
            if (await busy.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int pid)
            {
                return $"an index build is running on its table (pid {pid})";
            }
        }

        await using var drop = new NpgsqlCommand($"DROP INDEX CONCURRENTLY IF EXISTS {index.Quoted}", connection);
        try
        {
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled
                                          && !cancellationToken.IsCancellationRequested)
        {
            return $"could not have its lock in time ({e.MessageText})";
        }
    }
}
