using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// A validated spec with everything the renderer needs resolved: its name and namespace, the version, the
/// quantities as numbers, the Secrets' names and keys, the backup repository. Rendering it needs no I/O.
/// </summary>
public sealed record ClusterBlueprint
{
    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public required ClusterSpec Spec { get; init; }

    public required PostgresVersion Version { get; init; }

    /// <summary>The repository WAL is archived to; null without backups.</summary>
    public BackupTarget? Backup { get; init; }

    public string Image => string.IsNullOrWhiteSpace(Spec.Image) ? Version.DefaultImage : Spec.Image.Trim();

    /// <summary>The memory the tuning divides: the limit, else the request.</summary>
    public long MemoryBytes => (long)Quantities.Read(MemoryLimit);

    /// <summary>The container's memory limit: the one set, else the request.</summary>
    public string MemoryLimit => Present(Spec.Resources.Limits.Memory) ?? Present(Spec.Resources.Requests.Memory)!;

    /// <summary>Whole cpus for the tuning: the limit, else the request, rounded up; 1 when neither is set.</summary>
    public int Cpus => Math.Max(1, (int)Math.Ceiling(Quantities.TryRead(Present(Spec.Resources.Limits.Cpu) ?? Present(Spec.Resources.Requests.Cpu)) ?? 1));

    public long StorageBytes => (long)Quantities.Read(Spec.Storage.Size);

    /// <summary>The spec's parameters with lower-case names (PostgreSQL's names are case-insensitive).</summary>
    public SortedDictionary<string, string> Parameters =>
        new(Spec.Parameters.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value.Trim(), StringComparer.Ordinal), StringComparer.Ordinal);

    public int MaxConnections => Parameters.TryGetValue("max_connections", out var value)
        ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
        : PostgresTuning.DefaultMaxConnections;

    public SecretPassword Superuser => Resolve(Spec.Credentials.Superuser, "superuser-password");

    public SecretPassword Replication => Resolve(Spec.Credentials.Replication, "replication-password");

    public SecretPassword PgBouncer => Resolve(Spec.Credentials.PgBouncer, "pgbouncer-password");

    /// <summary>The Secret every credential defaults to.</summary>
    public string DefaultSecretName => $"{Name}-credentials";

    public TuningInput Tuning => new(MemoryBytes, Cpus, StorageBytes, Spec.Storage.Ssd, Spec.Instances, MaxConnections);

    public static string? Present(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private SecretPassword Resolve(CredentialSpec credential, string defaultKey) =>
        new(credential.Username, Present(credential.SecretName) ?? DefaultSecretName, Present(credential.SecretKey) ?? defaultKey);
}

/// <summary>A role and the Secret key holding its password.</summary>
public sealed record SecretPassword(string Username, string SecretName, string SecretKey);

/// <summary>The pgBackRest repository (an S3 bucket) and stanza of a cluster's WAL, and the Secret with its keys.</summary>
public sealed record BackupTarget(string Stanza, BackupRepository Repository, string S3Secret, string AccessKeyIdKey, string SecretAccessKeyKey)
{
    /// <summary>The TLS server's Secret; null: no pgBackRest server in the pods.</summary>
    public string? TlsSecret { get; init; }

    public string ClientCommonName { get; init; } = "stackgres-ops";
}
