using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Reads <see cref="TableStats"/> of the tables and materialized views of a database in one query:
/// sizes, live and dead tuples, transaction-id age, fill factor, the row width from pg_stats and
/// whether pg_repack could use a key. Schema and table filters travel as bound arrays.
/// </summary>
public static class TableStatsReader
{
    private const string Query =
        """
        WITH columns AS (
            SELECT a.attrelid, count(*) AS columns, bool_or(NOT a.attnotnull) AS nullable
            FROM pg_catalog.pg_attribute a
            WHERE a.attnum > 0 AND NOT a.attisdropped
            GROUP BY a.attrelid),
        widths AS (
            SELECT st.schemaname, st.tablename, count(*) AS columns, sum((1 - st.null_frac) * st.avg_width) AS width
            FROM pg_catalog.pg_stats st
            WHERE NOT st.inherited
            GROUP BY st.schemaname, st.tablename)
        SELECT c.oid, n.nspname, c.relname,
               pg_catalog.pg_relation_size(c.oid),
               pg_catalog.pg_total_relation_size(c.oid),
               CASE WHEN s.n_live_tup + s.n_dead_tup > 0 OR c.reltuples < 0 THEN s.n_live_tup::float8
                    ELSE c.reltuples::float8 END,
               coalesce(s.n_dead_tup, 0),
               greatest(pg_catalog.age(c.relfrozenxid), coalesce(pg_catalog.age(t.relfrozenxid), 0))::int8,
               coalesce((SELECT o.option_value::int FROM pg_catalog.pg_options_to_table(c.reloptions) o
                         WHERE o.option_name = 'fillfactor'), 100),
               CASE WHEN w.columns = k.columns THEN w.width END,
               coalesce(k.nullable, false),
               EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                       WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indimmediate
                         AND i.indpred IS NULL AND i.indexprs IS NULL
                         AND (i.indisprimary OR NOT EXISTS (
                               SELECT 1 FROM pg_catalog.pg_attribute a
                               WHERE a.attrelid = c.oid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull))),
               pg_catalog.current_setting('block_size')::int
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
        LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
        LEFT JOIN columns k ON k.attrelid = c.oid
        LEFT JOIN widths w ON w.schemaname = n.nspname AND w.tablename = c.relname
        WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
          AND ($1::oid[] IS NULL OR c.oid = ANY ($1))
          AND ($2::text[] IS NULL OR n.nspname = ANY ($2))
        ORDER BY n.nspname = 'pg_catalog', n.nspname, c.relname
        """;

    /// <summary>Stats of the given tables (by oid) or, when null, of every table in the given schemas (null: all).</summary>
    public static async Task<IReadOnlyList<TableStats>> ReadAsync(NpgsqlConnection connection, IReadOnlyCollection<uint>? oids,
        IReadOnlyCollection<string>? schemas, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = oids is null ? DBNull.Value : oids.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid,
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = schemas is null || schemas.Count == 0 ? DBNull.Value : schemas.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });

        var tables = new List<TableStats>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(new TableStats
            {
                Oid = reader.GetFieldValue<uint>(0),
                Schema = reader.GetString(1),
                Name = reader.GetString(2),
                HeapBytes = reader.GetInt64(3),
                TotalBytes = reader.GetInt64(4),
                LiveTuples = reader.IsDBNull(5) ? null : Math.Max(0, reader.GetDouble(5)),
                DeadTuples = reader.GetInt64(6),
                XidAge = reader.GetInt64(7),
                FillFactor = reader.GetInt32(8),
                RowDataWidth = reader.IsDBNull(9) ? null : reader.GetDouble(9),
                HasNullableColumns = !reader.IsDBNull(10) && reader.GetBoolean(10),
                HasRepackKey = reader.GetBoolean(11),
                BlockSize = reader.GetInt32(12),
            });
        }

        return tables;
    }

    /// <summary>Size and xid age of one table now (after its maintenance); null when it is gone.</summary>
    public static async Task<(long TotalBytes, long XidAge)?> ReadAfterAsync(NpgsqlConnection connection, uint oid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_catalog.pg_total_relation_size(c.oid),
                   greatest(pg_catalog.age(c.relfrozenxid), coalesce(pg_catalog.age(t.relfrozenxid), 0))::int8
            FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
            WHERE c.oid = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, DataTypeName = "oid" });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }
}
