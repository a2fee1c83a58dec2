namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// A cluster's pgBackRest repository and retention (<c>Ops:Clusters:{name}:Backup</c>). One stanza per cluster.
/// </summary>
public sealed record BackupRepository
{
    /// <summary>The pgBackRest stanza; default: the cluster's name.</summary>
    public string? Stanza { get; init; }

    public BackupRepositoryType Type { get; init; } = BackupRepositoryType.Posix;

    /// <summary>
    /// <c>repo1-path</c>: the repository directory (POSIX), or the path inside the bucket (S3, default
    /// <c>/pgbackrest</c>).
    /// </summary>
    public string? Path { get; init; }

    /// <summary>
    /// The directory the backup operations own: <c>pgbackrest.conf</c> (which the cluster's archive_command
    /// names), pgBackRest's lock, log and spool directories. Default: <c>pgbackrest-{stanza}</c> beside the data
    /// directory.
    /// </summary>
    public string? ConfigDirectory { get; init; }

    /// <summary>Full backups kept (<c>repo1-retention-full</c>); older ones expire with their WAL.</summary>
    public int RetentionFull { get; init; } = 2;

    /// <summary>Differential backups kept (<c>repo1-retention-diff</c>); default: as long as their full backup.</summary>
    public int? RetentionDiff { get; init; }

    public S3Repository? S3 { get; init; }

    /// <summary>pgBackRest's TLS server on the instances; null: pgBackRest runs on the primary's machine, on its data directory.</summary>
    public PgBackRestServer? Server { get; init; }

    public string StanzaOr(string? clusterName) => Stanza ?? clusterName ?? "main";
}
