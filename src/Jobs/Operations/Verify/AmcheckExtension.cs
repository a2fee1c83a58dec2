using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// What a database says about amcheck: the installed version and its schema (the functions are called qualified by it),
/// the version the server could install, whether we are superuser, and whether we may execute the two functions.
/// </summary>
public sealed record AmcheckExtension(string? InstalledVersion, string? Schema, string? AvailableVersion, bool IsSuperuser, bool MayExecute, string Role)
{
    /// <summary>The first version with verify_heapam (PostgreSQL 14).</summary>
    private static readonly Version HeapCheckVersion = new(1, 3);

    public static async Task<AmcheckExtension> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT e.extversion, n.nspname,
                   (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'amcheck'),
                   (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user),
                   (SELECT count(*) = 2 AND bool_and(pg_catalog.has_function_privilege(p.oid, 'EXECUTE'))
                    FROM pg_catalog.pg_proc p
                    WHERE p.pronamespace = e.extnamespace
                      AND ((p.proname = 'verify_heapam' AND p.pronargs = 6) OR (p.proname = 'bt_index_check' AND p.pronargs = 2))),
                   current_user
            FROM (SELECT 1) one
            LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'amcheck'
            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new AmcheckExtension(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            !reader.IsDBNull(3) && reader.GetBoolean(3),
            !reader.IsDBNull(4) && reader.GetBoolean(4),
            reader.GetString(5));
    }

    /// <summary>Why verify cannot run in this database, or null when it can (or can once the extension is created).</summary>
    public string? Problem(string database, bool createExtension) => InstalledVersion switch
    {
        null when AvailableVersion is null =>
            $"the amcheck extension is not installed in database '{database}' and the server does not have it " +
            "(it comes with PostgreSQL's contrib modules: Debian's postgresql-15, or postgresql15-contrib)",
        null when !createExtension =>
            $"the amcheck extension is not installed in database '{database}': set createExtension to true, or run CREATE EXTENSION amcheck",
        null when !IsSuperuser =>
            $"the amcheck extension is not installed in database '{database}', and creating it needs a superuser: " +
            "have one run CREATE EXTENSION amcheck",
        null => null,
        _ when !Version.TryParse(InstalledVersion, out var version) || version < HeapCheckVersion =>
            $"the amcheck extension in database '{database}' is version {InstalledVersion}, which has no verify_heapam: " +
            "run ALTER EXTENSION amcheck UPDATE",
        _ when !MayExecute =>
            $"the role may not execute amcheck's functions in database '{database}': connect as a superuser, or " +
            $"GRANT EXECUTE ON FUNCTION {Sql.Identifier.Quote(Schema!)}.bt_index_check(regclass, boolean), " +
            $"{Sql.Identifier.Quote(Schema!)}.verify_heapam(regclass, boolean, boolean, text, bigint, bigint) TO {Sql.Identifier.Quote(Role)}",
        _ => null,
    };

    /// <summary>Creates the extension when it is missing; returns whether it did.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if ((await ReadAsync(connection, cancellationToken).ConfigureAwait(false)).InstalledVersion is not null)
        {
            return false;
        }

        await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS amcheck", connection);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
