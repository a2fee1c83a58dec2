using System.Globalization;
using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>The optional sidecars of the pod, as in StackGres's: PgBouncer in front of PostgreSQL, postgres_exporter beside it.</summary>
public static class SidecarContainers
{
    public const string PgBouncerName = "pgbouncer";
    public const int PgBouncerPort = 6432;
    public const string PgBouncerPortName = "pgbouncer";
    public const string DefaultPgBouncerImage = "docker.io/edoburu/pgbouncer:v1.23.1-p3";

    public const string PgBackRestName = "pgbackrest";
    public const int PgBackRestPort = 8432;
    public const string PgBackRestPortName = "pgbackrest";
    public const string PgBackRestTlsVolume = "pgbackrest-tls";
    public const string PgBackRestTlsPath = "/etc/pgbackrest/tls";

    public const string ExporterName = "metrics";
    public const int ExporterPort = 9187;
    public const string ExporterPortName = "metrics";
    public const string DefaultExporterImage = "quay.io/prometheuscommunity/postgres-exporter:v0.15.0";

    /// <summary>
    /// PgBouncer, configured by its image's environment (edoburu/pgbouncer): it listens on 6432, sends every
    /// database to the local PostgreSQL, and looks client passwords up as the auth user (its password from the Secret).
    /// </summary>
    public static V1Container PgBouncer(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var pooling = cluster.Spec.Pooling;
        return new V1Container
        {
            Name = PgBouncerName,
            Image = ClusterBlueprint.Present(pooling.Image) ?? DefaultPgBouncerImage,
            ImagePullPolicy = "IfNotPresent",
            Ports = [new V1ContainerPort { Name = PgBouncerPortName, ContainerPort = PgBouncerPort, Protocol = "TCP" }],
            Env =
            [
                EnvVars.Value("LISTEN_PORT", Number(PgBouncerPort)),
                EnvVars.Value("DB_HOST", "127.0.0.1"),
                EnvVars.Value("DB_PORT", Number(PostgresContainer.Port)),
                EnvVars.Value("AUTH_TYPE", "scram-sha-256"),
                EnvVars.Value("AUTH_USER", cluster.PgBouncer.Username),
                EnvVars.Value("AUTH_QUERY", "SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = $1"),
                EnvVars.Value("DB_USER", cluster.PgBouncer.Username),
                EnvVars.Password("DB_PASSWORD", cluster.PgBouncer),
                EnvVars.Value("POOL_MODE", pooling.Mode),
                EnvVars.Value("DEFAULT_POOL_SIZE", Number(pooling.PoolSize)),
                EnvVars.Value("MAX_CLIENT_CONN", Number(pooling.MaxClientConnections)),
            ],
            Resources = Small(),
            ReadinessProbe = Tcp(PgBouncerPortName, initialDelay: 0),
            LivenessProbe = Tcp(PgBouncerPortName, initialDelay: 10),
            SecurityContext = ClusterPod.ContainerSecurity(),
        };
    }

    /// <summary>postgres_exporter on 9187, reading the local PostgreSQL as the superuser (password from the Secret).</summary>
    public static V1Container Exporter(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new V1Container
        {
            Name = ExporterName,
            Image = ClusterBlueprint.Present(cluster.Spec.Metrics.Image) ?? DefaultExporterImage,
            ImagePullPolicy = "IfNotPresent",
            Ports = [new V1ContainerPort { Name = ExporterPortName, ContainerPort = ExporterPort, Protocol = "TCP" }],
            Env =
            [
                EnvVars.Value("DATA_SOURCE_URI", $"127.0.0.1:{Number(PostgresContainer.Port)}/postgres?sslmode=disable"),
                EnvVars.Value("DATA_SOURCE_USER", cluster.Superuser.Username),
                EnvVars.Password("DATA_SOURCE_PASS", cluster.Superuser),
            ],
            Resources = Small(),
            ReadinessProbe = Tcp(ExporterPortName, initialDelay: 0),
            LivenessProbe = Tcp(ExporterPortName, initialDelay: 10),
            SecurityContext = ClusterPod.ContainerSecurity(),
        };
    }

    /// <summary>
    /// pgBackRest's TLS server (<c>pgbackrest server</c>, from the PostgreSQL image, which carries pgBackRest for archive-push),
    /// as Crunchy PGO runs it beside each instance: backup Jobs reach the data directory through it. It reads the same
    /// PGBACKREST_* settings as archive-push, its certificate and CA from the TLS Secret, and lets the client CN back up
    /// this stanza only. The compression of a backup runs here.
    /// </summary>
    public static V1Container PgBackRestServer(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var backup = cluster.Backup ?? throw new ArgumentException("The cluster has no backups.", nameof(cluster));
        var certificates = PgBackRestTlsPath;
        return new V1Container
        {
            Name = PgBackRestName,
            Image = cluster.Image,
            ImagePullPolicy = "IfNotPresent",
            Command = ["pgbackrest", "server"],
            Ports = [new V1ContainerPort { Name = PgBackRestPortName, ContainerPort = PgBackRestPort, Protocol = "TCP" }],
            Env =
            [
                .. PostgresContainer.BackupEnvironment(backup),
                EnvVars.Value("PGBACKREST_TLS_SERVER_ADDRESS", "*"),
                EnvVars.Value("PGBACKREST_TLS_SERVER_PORT", Number(PgBackRestPort)),
                EnvVars.Value("PGBACKREST_TLS_SERVER_CERT_FILE", $"{certificates}/tls.crt"),
                EnvVars.Value("PGBACKREST_TLS_SERVER_KEY_FILE", $"{certificates}/tls.key"),
                EnvVars.Value("PGBACKREST_TLS_SERVER_CA_FILE", $"{certificates}/ca.crt"),
                EnvVars.Value("PGBACKREST_TLS_SERVER_AUTH", $"{backup.ClientCommonName}={backup.Stanza}"),
            ],
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["cpu"] = new("50m"), ["memory"] = new("64Mi") },
                // A backup's reading and compression run here, one file at a time per process.
                Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = new("512Mi") },
            },
            ReadinessProbe = Tcp(PgBackRestPortName, initialDelay: 0),
            LivenessProbe = Tcp(PgBackRestPortName, initialDelay: 10),
            VolumeMounts =
            [
                new V1VolumeMount { Name = PostgresContainer.DataVolume, MountPath = PostgresContainer.DataMountPath },
                new V1VolumeMount { Name = PostgresContainer.SocketVolume, MountPath = PostgresContainer.SocketDirectory },
                new V1VolumeMount { Name = PostgresContainer.TmpVolume, MountPath = "/tmp" },
                new V1VolumeMount { Name = PgBackRestTlsVolume, MountPath = certificates, ReadOnlyProperty = true },
            ],
            SecurityContext = ClusterPod.ContainerSecurity(),
        };
    }

    /// <summary>The TLS Secret's volume: 0640, the pod's fsGroup reads it (pgBackRest refuses a root-owned key others can read).</summary>
    public static V1Volume PgBackRestTls(BackupTarget backup) => new()
    {
        Name = PgBackRestTlsVolume,
        Secret = new V1SecretVolumeSource { SecretName = backup.TlsSecret, DefaultMode = StackGres.Ops.Jobs.Clusters.PgBackRestServer.SecretVolumeMode },
    };

    private static V1ResourceRequirements Small() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("50m"),
            ["memory"] = new("32Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = new("128Mi") },
    };

    private static V1Probe Tcp(string port, int initialDelay) => new()
    {
        TcpSocket = new V1TCPSocketAction { Port = port },
        InitialDelaySeconds = initialDelay,
        PeriodSeconds = 10,
        TimeoutSeconds = 3,
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
