namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// What an operation running on the cluster's own machine knows about its primary's files: where the
/// data directory is and which <c>pg_ctl</c> can restart it. Backups and restores with pgBackRest need the
/// data directory (pgBackRest reads and writes it directly); a restart (archive_mode) needs <c>pg_ctl</c>.
/// </summary>
public sealed record LocalServer
{
    /// <summary>The primary's data directory (PGDATA), absolute.</summary>
    public string DataDirectory { get; init; } = string.Empty;

    /// <summary>
    /// The <c>pg_ctl</c> of the server's PostgreSQL version, absolute. Without it the operations never restart
    /// the server: a change that needs a restart is refused with the reason.
    /// </summary>
    public string? PgCtl { get; init; }

    /// <summary>
    /// The directory of the server's Unix socket, for pgBackRest (which connects only through it). Default:
    /// the first entry of the server's <c>unix_socket_directories</c>.
    /// </summary>
    public string? SocketDirectory { get; init; }
}
