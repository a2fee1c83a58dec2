using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>Checks run on a restored scratch copy: row counts of chosen tables and amcheck on every database.</summary>
public static class RestoredCopyChecks
{
    public static async Task<IReadOnlyList<TableCount>> CountAsync(IClusterConnector copy, string database, IReadOnlyList<string> tables,
        List<string> problems, CancellationToken cancellationToken)
    {
        var counts = new List<TableCount>();
        if (tables.Count == 0)
        {
            return counts;
        }

        await using var connection = await copy.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        foreach (var name in tables)
        {
            if (await TableResolver.ResolveAsync(connection, name, cancellationToken).ConfigureAwait(false) is not { } table)
            {
                problems.Add($"Table '{name}' does not exist in database '{database}' of the restored copy.");
                continue;
            }

            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table.Quoted}", connection);
            counts.Add(new TableCount(database, table.Display, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!));
        }

        return counts;
    }

    /// <summary>
    /// amcheck on every database of the copy (it is thrown away, so CREATE EXTENSION there is harmless):
    /// bt_index_check on each valid B-tree index, verify_heapam on each table.
    /// </summary>
    public static async Task<AmcheckSummary> AmcheckAsync(IClusterConnector copy, IReadOnlyList<string> databases, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        int indexes = 0, tables = 0;
        foreach (var database in databases)
        {
            await using var connection = await copy.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            await using (var available = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_available_extensions WHERE name = 'amcheck'", connection))
            {
                if ((long)(await available.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
                {
                    return new AmcheckSummary(false, "the amcheck extension is not installed on this machine (postgresql-contrib)", 0, 0, []);
                }
            }

            await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS amcheck", connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            indexes += await CheckEachAsync(connection, database,
                """
                SELECT c.oid, n.nspname || '.' || c.relname FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_catalog.pg_am a ON a.oid = c.relam
                WHERE a.amname = 'btree' AND i.indisvalid AND i.indisready AND c.relpersistence <> 't'
                """,
                "SELECT bt_index_check($1::regclass)::text", problems, cancellationToken).ConfigureAwait(false);
            tables += await CheckEachAsync(connection, database,
                """
                SELECT c.oid, n.nspname || '.' || c.relname FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
                """,
                "SELECT count(*) FROM verify_heapam($1::regclass)", problems, cancellationToken).ConfigureAwait(false);
        }

        return new AmcheckSummary(true, null, indexes, tables, problems);
    }

    private static async Task<int> CheckEachAsync(NpgsqlConnection connection, string database, string list, string check,
        List<string> problems, CancellationToken cancellationToken)
    {
        var relations = new List<(uint Oid, string Name)>();
        await using (var command = new NpgsqlCommand(list, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                relations.Add((reader.GetFieldValue<uint>(0), reader.GetString(1)));
            }
        }

        foreach (var (oid, name) in relations)
        {
            try
            {
                await using var command = new NpgsqlCommand(check, connection);
                command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, DataTypeName = "oid" });
                var found = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (found is long corrupt and > 0)
                {
                    problems.Add($"{database}.{name}: verify_heapam reports {corrupt} corrupt tuple(s)");
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.IndexCorrupted or PostgresErrorCodes.DataCorrupted)
            {
                problems.Add($"{database}.{name}: {e.MessageText}");
            }
        }

        return relations.Count;
    }
}
