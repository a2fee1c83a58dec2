using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>Checks shared by the maintenance operations before a run is queued.</summary>
public static class Preflight
{
    public static async Task<NpgsqlConnection?> TryOpenAsync(IClusterConnector connector, string database, List<string> errors,
        CancellationToken cancellationToken)
    {
        try
        {
            return await connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            errors.Add($"Database '{database}' does not exist on the cluster.");
            return null;
        }
    }

    public static async Task CheckTablesAsync(NpgsqlConnection connection, string database, IEnumerable<string> tables,
        List<string> errors, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            if (await TableResolver.ResolveAsync(connection, table, cancellationToken).ConfigureAwait(false) is null)
            {
                errors.Add($"Table '{table}' does not exist in database '{database}'.");
            }
        }
    }

    public static async Task CheckIndexesAsync(NpgsqlConnection connection, string database, IEnumerable<string> indexes,
        List<string> errors, CancellationToken cancellationToken)
    {
        foreach (var index in indexes)
        {
            if (await TableResolver.ResolveIndexAsync(connection, index, cancellationToken).ConfigureAwait(false) is null)
            {
                errors.Add($"Index '{index}' does not exist in database '{database}'.");
            }
        }
    }

    public static async Task CheckSchemasAsync(NpgsqlConnection connection, string database, IReadOnlyList<string> schemas,
        List<string> errors, CancellationToken cancellationToken)
    {
        if (schemas.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "SELECT s FROM unnest($1::text[]) s WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = s)",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = schemas.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            errors.Add($"Schema '{reader.GetString(0)}' does not exist in database '{database}'.");
        }
    }
}
