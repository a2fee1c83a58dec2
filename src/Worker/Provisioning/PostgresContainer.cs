using System.Globalization;
using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// The PostgreSQL container: Patroni runs PostgreSQL, elects the primary through Kubernetes and labels the pods;
/// probes ask Patroni's REST API; passwords and backup keys arrive only as secretKeyRef.
/// </summary>
public static class PostgresContainer
{
    public const string Name = "postgresql";
    public const int Port = 5432;
    public const string PortName = "postgresql";
    public const string PatroniPortName = "patroni";
    public const string DataVolume = "data";
    public const string DataMountPath = "/var/lib/postgresql/data";
    public const string ConfigVolume = "config";
    public const string SocketVolume = "socket";
    public const string SocketDirectory = "/var/run/postgresql";
    public const string TmpVolume = "tmp";

    public static V1Container Build(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var resources = cluster.Spec.Resources;
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (ClusterBlueprint.Present(resources.Requests.Cpu) is { } cpuRequest)
        {
            requests["cpu"] = new ResourceQuantity(cpuRequest);
        }

        requests["memory"] = new ResourceQuantity(ClusterBlueprint.Present(resources.Requests.Memory) ?? cluster.MemoryLimit);
        if (ClusterBlueprint.Present(resources.Limits.Cpu) is { } cpuLimit)
        {
            limits["cpu"] = new ResourceQuantity(cpuLimit);
        }

        limits["memory"] = new ResourceQuantity(cluster.MemoryLimit);
        return new V1Container
        {
            Name = Name,
            Image = cluster.Image,
            ImagePullPolicy = "IfNotPresent",
            Command = ["patroni", $"{PostgresSettings.ConfigDirectory}/{PostgresSettings.PatroniFile}"],
            Ports =
            [
                new V1ContainerPort { Name = PortName, ContainerPort = Port, Protocol = "TCP" },
                new V1ContainerPort { Name = PatroniPortName, ContainerPort = PatroniConfig.RestApiPort, Protocol = "TCP" },
            ],
            Env = Environment(cluster),
            Resources = new V1ResourceRequirements { Requests = requests, Limits = limits },
            // Ready: Patroni answers and PostgreSQL accepts connections, as primary or as a streaming replica.
            ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/readiness", Port = PatroniPortName, Scheme = "HTTP" },
                PeriodSeconds = 5,
                TimeoutSeconds = 3,
                FailureThreshold = 3,
            },
            // Alive: Patroni's loop runs (a replica copying its base backup is alive, not ready).
            LivenessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/liveness", Port = PatroniPortName, Scheme = "HTTP" },
                InitialDelaySeconds = 30,
                PeriodSeconds = 10,
                TimeoutSeconds = 5,
                FailureThreshold = 6,
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = DataVolume, MountPath = DataMountPath },
                new V1VolumeMount { Name = ConfigVolume, MountPath = PostgresSettings.ConfigDirectory, ReadOnlyProperty = true },
                new V1VolumeMount { Name = SocketVolume, MountPath = SocketDirectory },
                new V1VolumeMount { Name = TmpVolume, MountPath = "/tmp" },
            ],
            SecurityContext = ClusterPod.ContainerSecurity(),
        };
    }

    private static List<V1EnvVar> Environment(ClusterBlueprint cluster)
    {
        var env = new List<V1EnvVar>
        {
            EnvVars.Field("PATRONI_NAME", "metadata.name"),
            EnvVars.Field("PATRONI_KUBERNETES_NAMESPACE", "metadata.namespace"),
            EnvVars.Field("PATRONI_KUBERNETES_POD_IP", "status.podIP"),
            // $(VAR) expands variables defined above it.
            EnvVars.Value("PATRONI_POSTGRESQL_CONNECT_ADDRESS", $"$(PATRONI_KUBERNETES_POD_IP):{Port}"),
            EnvVars.Value("PATRONI_RESTAPI_CONNECT_ADDRESS", string.Create(CultureInfo.InvariantCulture, $"$(PATRONI_KUBERNETES_POD_IP):{PatroniConfig.RestApiPort}")),
            EnvVars.Value("PATRONI_SUPERUSER_USERNAME", cluster.Superuser.Username),
            EnvVars.Password("PATRONI_SUPERUSER_PASSWORD", cluster.Superuser),
            EnvVars.Value("PATRONI_REPLICATION_USERNAME", cluster.Replication.Username),
            EnvVars.Password("PATRONI_REPLICATION_PASSWORD", cluster.Replication),
            EnvVars.Value("PGDATA", PatroniConfig.DataDirectory),
        };
        if (cluster.Backup is { } backup)
        {
            env.AddRange(BackupEnvironment(backup));
        }

        return env;
    }

    /// <summary>pgBackRest reads every option from PGBACKREST_* variables: no configuration file, keys from the Secret.</summary>
    public static IEnumerable<V1EnvVar> BackupEnvironment(BackupTarget backup)
    {
        var repository = backup.Repository;
        var s3 = repository.S3!;
        yield return EnvVars.Value("PGBACKREST_STANZA", backup.Stanza);
        yield return EnvVars.Value("PGBACKREST_PG1_PATH", PatroniConfig.DataDirectory);
        yield return EnvVars.Value("PGBACKREST_PG1_SOCKET_PATH", SocketDirectory);
        yield return EnvVars.Value("PGBACKREST_REPO1_TYPE", "s3");
        yield return EnvVars.Value("PGBACKREST_REPO1_PATH", repository.Path ?? "/pgbackrest");
        yield return EnvVars.Value("PGBACKREST_REPO1_S3_BUCKET", s3.Bucket);
        yield return EnvVars.Value("PGBACKREST_REPO1_S3_ENDPOINT", s3.Endpoint);
        yield return EnvVars.Value("PGBACKREST_REPO1_S3_REGION", s3.Region);
        yield return EnvVars.Value("PGBACKREST_REPO1_S3_URI_STYLE", s3.UriStyle);
        yield return EnvVars.Secret("PGBACKREST_REPO1_S3_KEY", backup.S3Secret, backup.AccessKeyIdKey);
        yield return EnvVars.Secret("PGBACKREST_REPO1_S3_KEY_SECRET", backup.S3Secret, backup.SecretAccessKeyKey);
        yield return EnvVars.Value("PGBACKREST_REPO1_RETENTION_FULL", repository.RetentionFull.ToString(CultureInfo.InvariantCulture));
        yield return EnvVars.Value("PGBACKREST_LOCK_PATH", "/tmp/pgbackrest");
        yield return EnvVars.Value("PGBACKREST_LOG_LEVEL_FILE", "off");
    }
}
