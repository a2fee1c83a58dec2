using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>The settings of a running server that backups depend on.</summary>
public sealed record ServerFacts(
    string ArchiveMode,
    string ArchiveCommand,
    string WalLevel,
    string? DataDirectory,
    string? SocketDirectory,
    int Port)
{
    public bool Archiving => ArchiveMode is "on" or "always";

    public static async Task<ServerFacts> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // data_directory is visible to superusers and pg_read_all_settings only: missing_ok gives NULL otherwise.
        await using var command = new NpgsqlCommand(
            """
            SELECT current_setting('archive_mode'), current_setting('archive_command'), current_setting('wal_level'),
                   CASE WHEN pg_catalog.pg_has_role('pg_read_all_settings', 'MEMBER') THEN current_setting('data_directory', true) END,
                   current_setting('unix_socket_directories'), current_setting('port')::int
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var sockets = reader.GetString(4).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new ServerFacts(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            sockets.FirstOrDefault(s => !s.StartsWith('@')),
            reader.GetInt32(5));
    }
}
