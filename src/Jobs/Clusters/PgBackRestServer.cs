namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// pgBackRest's TLS server (<c>pgbackrest server</c>) beside each instance of the cluster, as Crunchy PGO runs it
/// (<c>Ops:Clusters:{name}:Backup:Server</c>). With it, a backup runs wherever the runner runs (a Kubernetes Job's
/// pod): pgBackRest there is the repository side and reaches the primary's files through the server
/// (<c>pg1-host-type=tls</c>), authenticated by a client certificate whose CN the server's <c>tls-server-auth</c> lists.
/// </summary>
public sealed record PgBackRestServer
{
    /// <summary>pgBackRest's default <c>tls-server-port</c>.</summary>
    public const int DefaultPort = 8432;

    /// <summary>Where the instances' own pgbackrest.conf is (their archive_command names it).</summary>
    public const string DefaultConfigPath = "/etc/pgbackrest/pgbackrest.conf";

    /// <summary>The file names in <see cref="CertificateDirectory"/>: those of a <c>kubernetes.io/tls</c> Secret with its CA.</summary>
    public const string CaFile = "ca.crt";
    public const string CertificateFile = "tls.crt";
    public const string KeyFile = "tls.key";

    /// <summary>
    /// The mode of a Secret volume holding the key (0640): pgBackRest accepts a key owned by root only with u=rw,g=r or less,
    /// so the pod's fsGroup is what lets it read.
    /// </summary>
    public const int SecretVolumeMode = 0b110_100_000;

    /// <summary>
    /// The server's host name, as its certificate names it; default: the host of the primary the runner's SQL
    /// connection reached (a multi-host cluster's current primary).
    /// </summary>
    public string? Host { get; init; }

    /// <summary><c>pg1-host-port</c>: the server's <c>tls-server-port</c>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// The directory holding the runner's client certificate (<c>tls.crt</c>, <c>tls.key</c>) and the CA that signed
    /// the server's (<c>ca.crt</c>). In a Kubernetes Job, where <see cref="CertificateSecret"/> is mounted.
    /// </summary>
    public string? CertificateDirectory { get; init; }

    /// <summary>The Kubernetes Secret (in the Job's namespace) with <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c>, mounted into backup Jobs.</summary>
    public string? CertificateSecret { get; init; }

    /// <summary>The instances' pgbackrest.conf, named by the archive_command that <c>configureArchiving</c> sets.</summary>
    public string ConfigPath { get; init; } = DefaultConfigPath;

    public string CaPath => Path.Combine(Directory, CaFile);
    public string CertificatePath => Path.Combine(Directory, CertificateFile);
    public string KeyPath => Path.Combine(Directory, KeyFile);

    private string Directory => CertificateDirectory
                                ?? throw new InvalidOperationException("The pgBackRest TLS server has no certificate directory.");
}
