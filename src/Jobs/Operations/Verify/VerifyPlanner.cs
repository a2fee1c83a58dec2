using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// Chooses the relations of one database to check: the tables vacuum would take with target 'all' (the named ones,
/// or every table of the chosen schemas, system catalogs included), each followed by its TOAST table and the valid
/// B-tree indexes of both, as pg_amcheck checks them.
/// </summary>
public static class VerifyPlanner
{
    private static readonly string DependentsQuery =
        $$"""
        WITH {{LockedRelations.Cte}},
        tables AS (
            SELECT t.oid, t.ord, c.reltoastrelid FROM unnest($1::oid[]) WITH ORDINALITY AS t(oid, ord)
            JOIN pg_catalog.pg_class c ON c.oid = t.oid),
        dependents AS (
            SELECT t.oid AS owner, t.ord, t.reltoastrelid AS oid, 0 AS rank FROM tables t WHERE t.reltoastrelid <> 0
            UNION ALL
            SELECT t.oid, t.ord, i.indexrelid, 1 FROM tables t JOIN pg_catalog.pg_index i ON i.indrelid = t.oid
            UNION ALL
            SELECT t.oid, t.ord, i.indexrelid, 2 FROM tables t JOIN pg_catalog.pg_index i ON i.indrelid = t.reltoastrelid
            WHERE t.reltoastrelid <> 0)
        SELECT d.owner, c.oid, n.nspname, c.relname, d.rank = 0,
               CASE WHEN d.oid IN (SELECT relation FROM locked) OR d.owner IN (SELECT relation FROM locked)
                    THEN c.relpages::int8 * pg_catalog.current_setting('block_size')::int
                    ELSE pg_catalog.pg_relation_size(c.oid) END
        FROM dependents d
        JOIN pg_catalog.pg_class c ON c.oid = d.oid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = d.oid
        LEFT JOIN pg_catalog.pg_am a ON a.oid = c.relam
        WHERE d.rank = 0 OR (a.amname = 'btree' AND i.indisvalid AND i.indisready AND i.indislive)
        ORDER BY d.ord, d.rank, c.relname
        """;

    public static async Task<VerifyPlan> PlanAsync(NpgsqlConnection connection, string database, IReadOnlyList<string> tables,
        IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        var oids = await TablePlanner.ResolveAsync(connection, database, tables, cancellationToken).ConfigureAwait(false);
        var stats = await TableStatsReader.ReadAsync(connection, oids, schemas, cancellationToken, totalSizes: false).ConfigureAwait(false);
        var dependents = await ReadDependentsAsync(connection, database, stats, cancellationToken).ConfigureAwait(false);
        var relations = new List<VerifyTarget>(stats.Count + dependents.Count);
        foreach (var table in stats)
        {
            relations.Add(new VerifyTarget(database, table.Oid, table.Schema, table.Name, VerifyTarget.TableKind, null, table.HeapBytes));
            if (dependents.TryGetValue(table.Oid, out var ofTable))
            {
                relations.AddRange(ofTable);
            }
        }

        return new VerifyPlan(database, stats.Count, relations);
    }

    private static async Task<Dictionary<uint, List<VerifyTarget>>> ReadDependentsAsync(NpgsqlConnection connection, string database,
        IReadOnlyList<TableStats> tables, CancellationToken cancellationToken)
    {
        var byTable = tables.ToDictionary(t => t.Oid);
        var dependents = new Dictionary<uint, List<VerifyTarget>>();
        await using var command = new NpgsqlCommand(DependentsQuery, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tables.Select(t => t.Oid).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var owner = reader.GetFieldValue<uint>(0);
            var kind = reader.GetBoolean(4) ? VerifyTarget.ToastKind : VerifyTarget.IndexKind;
            if (!dependents.TryGetValue(owner, out var list))
            {
                dependents[owner] = list = [];
            }

            list.Add(new VerifyTarget(database, reader.GetFieldValue<uint>(1), reader.GetString(2), reader.GetString(3), kind,
                byTable[owner].Display, reader.GetInt64(5)) { TableOid = owner });
        }

        return dependents;
    }
}
