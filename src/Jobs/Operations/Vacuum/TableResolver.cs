using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>
/// Finds tables (and indexes) in a database's catalog. A user's table name is handed to PostgreSQL's own name
/// parser (<c>to_regclass</c>) as a bound value, so a name carrying SQL can do nothing but fail to match.
/// </summary>
public static class TableResolver
{
    private const string TableKinds = "'r', 'm', 'p'";

    private const string IndexKinds = "'i'";

    /// <summary>Resolves one name; null when no such table exists (or the text is not a valid name).</summary>
    public static Task<TableRef?> ResolveAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken) =>
        ResolveAsync(connection, name, TableKinds, cancellationToken);

    /// <summary>Resolves one index name the same way; null when no such index exists.</summary>
    public static Task<TableRef?> ResolveIndexAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken) =>
        ResolveAsync(connection, name, IndexKinds, cancellationToken);

    private static async Task<TableRef?> ResolveAsync(NpgsqlConnection connection, string name, string kinds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
             SELECT c.oid, n.nspname, c.relname
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = pg_catalog.to_regclass($1) AND c.relkind IN ({kinds})
             """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new TableRef(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2))
                : null;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidName
                                              or PostgresErrorCodes.SyntaxError
                                              or PostgresErrorCodes.InvalidParameterValue
                                              or PostgresErrorCodes.FeatureNotSupported
                                              or PostgresErrorCodes.InvalidSchemaName
                                              or PostgresErrorCodes.NameTooLong)
        {
            // PostgreSQL 15 raises instead of returning NULL when the text is not a valid name.
            return null;
        }
    }
}
