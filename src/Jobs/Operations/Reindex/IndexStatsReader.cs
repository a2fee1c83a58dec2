using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>
/// Reads <see cref="IndexStats"/> of user indexes in one query. Key widths come from pg_stats (the
/// table's columns, or the index's own entry for expression columns) or, without statistics, from the
/// type's fixed length. System catalogs are out of scope: REINDEX CONCURRENTLY cannot rebuild them.
/// </summary>
public static class IndexStatsReader
{
    private static readonly string Query =
        $$"""
        WITH {{Maintenance.LockedRelations.Cte}},
        idx AS (
            SELECT i.indexrelid, i.indrelid, i.indisvalid, i.indpred IS NOT NULL AS partial, i.indnatts, i.indkey,
                   ic.relname AS index_name, n.nspname AS schema_name, tc.relname AS table_name, am.amname,
                   ic.reltuples AS index_tuples, tc.reltuples AS table_tuples, ic.reloptions, ic.relpages
            FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
            JOIN pg_catalog.pg_am am ON am.oid = ic.relam
            WHERE ic.relkind = 'i' AND tc.relpersistence <> 't'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
              AND ($1::oid[] IS NULL OR i.indexrelid = ANY ($1))
              AND ($2::text[] IS NULL OR n.nspname = ANY ($2))
              AND ($3::oid[] IS NULL OR i.indrelid = ANY ($3))),
        cols AS (
            SELECT x.indexrelid, count(*) AS columns,
                   count(coalesce(s.avg_width, CASE WHEN ia.attlen > 0 THEN ia.attlen END)) AS known,
                   sum(coalesce(s.avg_width, CASE WHEN ia.attlen > 0 THEN ia.attlen END) * (1 - coalesce(s.null_frac, 0))) AS width,
                   bool_or(coalesce(s.null_frac, 0) > 0) AS has_nulls
            FROM idx x
            JOIN pg_catalog.pg_attribute ia ON ia.attrelid = x.indexrelid AND ia.attnum > 0 AND ia.attnum <= x.indnatts
            LEFT JOIN pg_catalog.pg_attribute ta
                   ON ta.attrelid = x.indrelid AND x.indkey[ia.attnum - 1] <> 0 AND ta.attnum = x.indkey[ia.attnum - 1]
            LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = x.schema_name AND NOT s.inherited AND (
                   (ta.attname IS NOT NULL AND s.tablename = x.table_name AND s.attname = ta.attname)
                OR (ta.attname IS NULL AND s.tablename = x.index_name AND s.attname = ia.attname))
            GROUP BY x.indexrelid)
        SELECT x.indexrelid, x.schema_name, x.index_name, x.table_name, x.amname, x.indisvalid,
               CASE WHEN x.indexrelid IN (SELECT relation FROM locked) THEN x.relpages::int8 * pg_catalog.current_setting('block_size')::int
                    ELSE pg_catalog.pg_relation_size(x.indexrelid) END,
               CASE WHEN x.partial THEN nullif(greatest(x.index_tuples, -1), -1)::float8
                    WHEN x.table_tuples < 0 AND coalesce(st.n_live_tup + st.n_dead_tup, 0) = 0 THEN NULL
                    ELSE {{Maintenance.LiveTuples.Sql("st", "x.table_tuples")}} END,
               CASE WHEN c.known = c.columns THEN c.width END,
               coalesce(c.has_nulls, false),
               coalesce((SELECT o.option_value::int FROM pg_catalog.pg_options_to_table(x.reloptions) o
                         WHERE o.option_name = 'fillfactor'), 90),
               pg_catalog.current_setting('block_size')::int,
               pg_catalog.pg_relation_filenode(x.indexrelid),
               x.indrelid
        FROM idx x
        LEFT JOIN cols c ON c.indexrelid = x.indexrelid
        LEFT JOIN pg_catalog.pg_stat_all_tables st ON st.relid = x.indrelid
        ORDER BY x.schema_name, x.table_name, x.index_name
        """;

    public static async Task<IReadOnlyList<IndexStats>> ReadAsync(NpgsqlConnection connection, IReadOnlyCollection<uint>? indexOids,
        IReadOnlyCollection<string>? schemas, IReadOnlyCollection<uint>? tableOids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(OidArray(indexOids));
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = schemas is null || schemas.Count == 0 ? DBNull.Value : schemas.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        command.Parameters.Add(OidArray(tableOids));

        var indexes = new List<IndexStats>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            indexes.Add(new IndexStats
            {
                Oid = reader.GetFieldValue<uint>(0),
                Schema = reader.GetString(1),
                Name = reader.GetString(2),
                Table = reader.GetString(3),
                AccessMethod = reader.GetString(4),
                IsValid = reader.GetBoolean(5),
                SizeBytes = reader.GetInt64(6),
                Tuples = reader.IsDBNull(7) ? null : reader.GetDouble(7),
                KeyWidth = reader.IsDBNull(8) ? null : reader.GetDouble(8),
                HasNulls = reader.GetBoolean(9),
                FillFactor = reader.GetInt32(10),
                BlockSize = reader.GetInt32(11),
                FileNode = reader.IsDBNull(12) ? 0 : reader.GetFieldValue<uint>(12),
                TableOid = reader.GetFieldValue<uint>(13),
            });
        }

        return indexes;
    }

    private static NpgsqlParameter OidArray(IReadOnlyCollection<uint>? oids) => new()
    {
        Value = oids is null ? DBNull.Value : oids.ToArray(),
        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid,
    };
}
