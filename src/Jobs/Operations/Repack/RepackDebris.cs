using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>
/// What an interrupted pg_repack leaves on a table: the <c>repack_trigger</c> on it and, in schema
/// <c>repack</c>, the log table <c>log_OID</c>, the copy <c>table_OID</c> and the type <c>pk_OID</c>.
/// Cleaned table by table with pg_repack's own <c>repack.repack_drop(oid, 4)</c> (what its client runs
/// on an error), which leaves other repacks in the same database alone — unlike dropping and
/// re-creating the extension, the pg_repack manual's whole-database cleanup.
/// </summary>
public static class RepackDebris
{
    /// <summary>The oids among <paramref name="tableOids"/> that carry debris.</summary>
    public static async Task<IReadOnlyList<uint>> FindAsync(NpgsqlConnection connection, IReadOnlyCollection<uint> tableOids,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT o.oid FROM unnest($1::oid[]) AS o(oid)
            WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = o.oid AND t.tgname = 'repack_trigger')
               OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'repack' AND c.relname IN ('log_' || o.oid, 'table_' || o.oid))
               OR EXISTS (SELECT 1 FROM pg_catalog.pg_type y JOIN pg_catalog.pg_namespace n ON n.oid = y.typnamespace
                          WHERE n.nspname = 'repack' AND y.typname = 'pk_' || o.oid)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tableOids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        var found = new List<uint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetFieldValue<uint>(0));
        }

        return found;
    }

    /// <summary>Removes the debris of one table (it takes the table's exclusive lock briefly, under the session's lock_timeout).</summary>
    public static async Task CleanAsync(NpgsqlConnection connection, uint tableOid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT repack.repack_drop($1, 4)", connection);
        command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = tableOid, DataTypeName = "oid" });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
