using Npgsql;
using StackGres.Ops.Jobs.Sql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Counts the rows of a system catalog and their average size, to replace the statistics behind its bloat
/// estimate. Catalog statistics go stale in just the situation that bloats catalogs (DDL creates and drops
/// rows of pg_class, pg_attribute, pg_depend faster than ANALYZE follows), and a catalog is small enough to
/// count: so a catalog is rewritten on bloat only when its measured rows confirm it.
/// </summary>
public static class CatalogMeasure
{
    /// <summary>Tuple header of a row as <c>pg_column_size(row)</c> counts it (HeapTupleHeaderData, aligned).</summary>
    private const int RowHeaderBytes = 24;

    public static bool Applies(TableStats table) => table.Schema == "pg_catalog";

    /// <summary>The table's stats with its live rows and row width measured; the stats unchanged when the catalog may not be read.</summary>
    public static async Task<TableStats> MeasureAsync(NpgsqlConnection connection, TableStats table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT count(*)::float8, coalesce(avg(pg_catalog.pg_column_size(t.*)), 0)::float8 FROM {Identifier.Quote(table.Schema, table.Name)} t",
            connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return table with
            {
                LiveTuples = reader.GetDouble(0),
                RowDataWidth = Math.Max(0, reader.GetDouble(1) - RowHeaderBytes),
                HasNullableColumns = false,
            };
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.LockNotAvailable)
        {
            // pg_authid, pg_statistic and a few more are superuser-only (so is VACUUM FULL on them); a catalog
            // another session holds exclusively is left to the estimate (the rewrite would be skipped anyway).
            return table;
        }
    }
}
