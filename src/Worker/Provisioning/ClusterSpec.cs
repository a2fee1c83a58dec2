namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// A cluster to render as Kubernetes objects, as configured under <c>Ops:ClusterSpecs:{name}</c>: a primary and
/// replicas of one PostgreSQL version, their storage, resources, sidecars, parameters, backups and the Secrets
/// holding their passwords. The name may also be a cluster of the inventory (<c>Ops:Clusters:{name}</c>), whose
/// namespace it then defaults to, but it need not: a cluster is described before it exists.
/// </summary>
public sealed class ClusterSpec
{
    /// <summary>The namespace of every object; default: the inventory cluster's <c>Namespace</c>, else <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Pods of the StatefulSet: one primary and <c>Instances - 1</c> streaming replicas (1 to 16).</summary>
    public int Instances { get; set; } = 1;

    /// <summary>PostgreSQL major.minor, e.g. <c>15.10</c>.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The PostgreSQL + Patroni image; default: derived from <see cref="Version"/>.</summary>
    public string? Image { get; set; }

    public StorageSpec Storage { get; set; } = new();

    public ResourcesSpec Resources { get; set; } = new();

    public PoolingSpec Pooling { get; set; } = new();

    public MetricsSpec Metrics { get; set; } = new();

    /// <summary>postgresql.conf parameters; they override the tuned ones (the operator's own are refused).</summary>
    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where WAL is archived with pgBackRest; none: no archiving.</summary>
    public BackupSpec? Backup { get; set; }

    public CredentialsSpec Credentials { get; set; } = new();
}

/// <summary>The data volume of each instance: <c>Ops:ClusterSpecs:{name}:Storage</c>.</summary>
public sealed class StorageSpec
{
    /// <summary>The PersistentVolumeClaim's size, a Kubernetes quantity.</summary>
    public string Size { get; set; } = "10Gi";

    /// <summary>The StorageClass; none: the cluster's default class.</summary>
    public string? StorageClass { get; set; }

    /// <summary>Solid-state (or network block) storage: cheap random reads, many concurrent requests.</summary>
    public bool Ssd { get; set; } = true;
}

/// <summary>The PostgreSQL container's requests and limits: <c>Ops:ClusterSpecs:{name}:Resources</c>.</summary>
public sealed class ResourcesSpec
{
    public ResourceAmounts Requests { get; set; } = new() { Cpu = "1", Memory = "2Gi" };

    /// <summary>No memory limit: the memory request is the limit (a database should not be over-committed).</summary>
    public ResourceAmounts Limits { get; set; } = new();
}

/// <summary>A cpu and a memory quantity; either may be left out.</summary>
public sealed class ResourceAmounts
{
    public string? Cpu { get; set; }

    public string? Memory { get; set; }
}

/// <summary>The PgBouncer sidecar: <c>Ops:ClusterSpecs:{name}:Pooling</c>.</summary>
public sealed class PoolingSpec
{
    public bool Enabled { get; set; }

    /// <summary><c>session</c>, <c>transaction</c> or <c>statement</c>.</summary>
    public string Mode { get; set; } = "transaction";

    /// <summary>Server connections per user and database (<c>default_pool_size</c>).</summary>
    public int PoolSize { get; set; } = 20;

    /// <summary>Client connections PgBouncer accepts (<c>max_client_conn</c>).</summary>
    public int MaxClientConnections { get; set; } = 1000;

    public string? Image { get; set; }
}

/// <summary>The postgres_exporter sidecar: <c>Ops:ClusterSpecs:{name}:Metrics</c>.</summary>
public sealed class MetricsSpec
{
    public bool Enabled { get; set; }

    public string? Image { get; set; }
}

/// <summary>
/// WAL archiving with pgBackRest: <c>Ops:ClusterSpecs:{name}:Backup</c>. The repository is the one of an
/// inventory cluster (<c>Ops:Clusters:{Repository}:Backup</c>), an S3 bucket; its keys reach the pods from a Secret.
/// </summary>
public sealed class BackupSpec
{
    /// <summary>The inventory cluster whose pgBackRest repository (bucket, endpoint, region, path, retention) is used.</summary>
    public string Repository { get; set; } = string.Empty;

    /// <summary>The stanza; default: the spec's name.</summary>
    public string? Stanza { get; set; }

    /// <summary>The Secret holding the S3 access key id and secret access key.</summary>
    public string? S3Secret { get; set; }

    public string AccessKeyIdKey { get; set; } = "accessKeyId";

    public string SecretAccessKeyKey { get; set; } = "secretAccessKey";

    /// <summary>
    /// The Secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>, as cert-manager writes them) of pgBackRest's TLS server: with
    /// it, every instance pod runs <c>pgbackrest server</c> beside PostgreSQL (port 8432, also on the primary Service), so
    /// that backup Jobs take backups through it (Ops:Clusters:NAME:Backup:Server). Its certificate must name the host the
    /// Jobs reach (the primary Service's name); <c>ca.crt</c> is the CA that signs the Jobs' client certificates.
    /// </summary>
    public string? TlsSecret { get; set; }

    /// <summary>The CN of the client certificate the TLS server lets back up this stanza (<c>tls-server-auth</c>).</summary>
    public string ClientCommonName { get; set; } = "stackgres-ops";
}

/// <summary>The three roles a cluster needs, their passwords in Secrets: <c>Ops:ClusterSpecs:{name}:Credentials</c>.</summary>
public sealed class CredentialsSpec
{
    public CredentialSpec Superuser { get; set; } = new() { Username = "postgres" };

    public CredentialSpec Replication { get; set; } = new() { Username = "replicator" };

    /// <summary>The role PgBouncer authenticates as to look up client passwords (<c>auth_user</c>).</summary>
    public CredentialSpec PgBouncer { get; set; } = new() { Username = "pgbouncer" };
}

/// <summary>A role name and where its password is: a key of a Secret in the cluster's namespace.</summary>
public sealed class CredentialSpec
{
    public string Username { get; set; } = string.Empty;

    /// <summary>Default: <c>{cluster}-credentials</c>.</summary>
    public string? SecretName { get; set; }

    /// <summary>Default: <c>superuser-password</c>, <c>replication-password</c> or <c>pgbouncer-password</c>.</summary>
    public string? SecretKey { get; set; }
}
