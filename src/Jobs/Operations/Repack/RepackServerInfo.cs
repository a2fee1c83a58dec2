using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>What a database says about pg_repack: installed version, availability, and whether we are superuser.</summary>
public sealed record RepackServerInfo(string? InstalledVersion, string? AvailableVersion, bool IsSuperuser)
{
    public static async Task<RepackServerInfo> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_repack'),
                   (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'pg_repack'),
                   (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new RepackServerInfo(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            !reader.IsDBNull(2) && reader.GetBoolean(2));
    }

    /// <summary>Why pg_repack cannot run in this database, or null when it can (or can once the extension is created).</summary>
    public string? Problem(string database, bool createExtension) => (InstalledVersion, AvailableVersion) switch
    {
        (null, null) => $"the pg_repack extension is not installed in database '{database}' and the server does not have it " +
                        "(install the server package postgresql-15-repack on the database server)",
        (null, _) when !createExtension =>
            $"the pg_repack extension is not installed in database '{database}': set createExtension to true, or run CREATE EXTENSION pg_repack",
        _ => null,
    };
}
