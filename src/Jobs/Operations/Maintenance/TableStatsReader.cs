using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Reads <see cref="TableStats"/> of the tables and materialized views of a database in one query:
/// sizes, live and dead tuples, transaction-id age, fill factor, the row width from pg_stats and
/// whether pg_repack could use a key. Schema and table filters travel as bound arrays. The total size
/// (indexes and TOAST included) can be left out: it opens every index of every table, which in a new
/// session costs several times the rest of the query, so a need-driven plan reads it for the chosen
/// tables only (<see cref="ReadSizesAsync"/>).
/// </summary>
public static class TableStatsReader
{
    private static readonly string Query =
        $$"""
        WITH {{LockedRelations.Cte}},
        columns AS (
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
               CASE WHEN lk.relation IS NULL THEN pg_catalog.pg_relation_size(c.oid)
                    ELSE c.relpages::int8 * pg_catalog.current_setting('block_size')::int END,
               CASE WHEN $3 AND lk.relation IS NULL THEN pg_catalog.pg_total_relation_size(c.oid) END,
               {{LiveTuples.Sql("s", "c.reltuples")}},
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
        LEFT JOIN locked lk ON lk.relation = c.oid
        WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
          AND ($1::oid[] IS NULL OR c.oid = ANY ($1))
          AND ($2::text[] IS NULL OR n.nspname = ANY ($2))
        ORDER BY n.nspname = 'pg_catalog', n.nspname, c.relname
        """;

    /// <summary>
    /// Stats of the given tables (by oid) or, when null, of every table in the given schemas (null: all); without
    /// <paramref name="totalSizes"/>, <see cref="TableStats.TotalBytes"/> is the heap's size only.
    /// </summary>
    public static async Task<IReadOnlyList<TableStats>> ReadAsync(NpgsqlConnection connection, IReadOnlyCollection<uint>? oids,
        IReadOnlyCollection<string>? schemas, CancellationToken cancellationToken, bool totalSizes = true)
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
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = totalSizes });

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
                TotalBytes = reader.IsDBNull(4) ? reader.GetInt64(3) : reader.GetInt64(4),
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

    /// <summary>
    /// Total size and xid age of tables now (e.g. after their maintenance), in one round trip; a table that is gone, or
    /// that another session holds or waits for in ACCESS EXCLUSIVE mode, is left out.
    /// </summary>
    public static async Task<Dictionary<uint, (long TotalBytes, long XidAge)>> ReadSizesAsync(NpgsqlConnection connection,
        IReadOnlyCollection<uint> oids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $$"""
            WITH {{LockedRelations.Cte}}
            SELECT c.oid, pg_catalog.pg_total_relation_size(c.oid),
                   greatest(pg_catalog.age(c.relfrozenxid), coalesce(pg_catalog.age(t.relfrozenxid), 0))::int8
            FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
            WHERE c.oid = ANY ($1) AND c.oid NOT IN (SELECT relation FROM locked)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = oids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        var after = new Dictionary<uint, (long, long)>(oids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            after[reader.GetFieldValue<uint>(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return after;
    }
}
