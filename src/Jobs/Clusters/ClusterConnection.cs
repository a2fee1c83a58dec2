using Npgsql;

namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// Where a cluster's primary answers. It never carries the password: that travels separately
/// (an environment variable of the runner process, or a Kubernetes secretKeyRef).
/// </summary>
public sealed record ClusterConnection
{
    /// <summary>The cluster's name in the worker's inventory (messages, confirmations, default stanza).</summary>
    public string? Name { get; init; }

    public required string Host { get; init; }
    public int Port { get; init; } = 5432;
    public required string Username { get; init; }

    /// <summary>The database used when an operation names none (like vacuumdb's default).</summary>
    public string Database { get; init; } = "postgres";

    public SslMode SslMode { get; init; } = SslMode.Prefer;

    /// <summary>The primary's files, when the runner runs on its machine (backup, restore); null otherwise.</summary>
    public LocalServer? Local { get; init; }

    /// <summary>The cluster's pgBackRest repository; null when backups are not configured.</summary>
    public BackupRepository? Backup { get; init; }

    /// <summary>
    /// Every server of the cluster when it has replicas (empty for a single server named by Host and Port).
    /// With instances, <see cref="Host"/> lists them all ("h1:p1,h2:p2") and connections ask for the one that
    /// accepts writes (target_session_attrs=read-write) until the runner has found the primary.
    /// </summary>
    /// <remarks>A request that omits them, or sends null, has none.</remarks>
    public IReadOnlyList<ClusterInstance> Instances { get => instances; init => instances = value ?? []; }

    private readonly IReadOnlyList<ClusterInstance> instances = [];

    /// <summary>Patroni's REST API when Patroni manages the cluster; rolling operations then go through it.</summary>
    public Patroni.PatroniEndpoint? Patroni { get; init; }

    /// <summary>True when <see cref="Host"/> names several servers ("h1:p1,h2:p2").</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsMultiHost => Host.Contains(',', StringComparison.Ordinal);

    /// <summary>This cluster reached through one of its instances: its address and its files.</summary>
    public ClusterConnection ForInstance(ClusterInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return this with { Host = instance.Host, Port = instance.Port, Local = instance.Local ?? Local };
    }

    /// <summary>Builds an Npgsql connection string for one database of the cluster.</summary>
    public string ToConnectionString(string? password, string? database = null, string? applicationName = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Username,
            Database = database ?? Database,
            SslMode = SslMode,
            ApplicationName = applicationName ?? "stackgres-ops",
            // A maintenance connection must not be shared with other runs.
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 0,
        };
        if (IsMultiHost)
        {
            // Npgsql remembers for HostRecheckSeconds (default 10) which hosts were standbys; after a
            // switchover the new primary must be found at once: no memory.
            builder.TargetSessionAttributes = "read-write";
            builder.HostRecheckSeconds = 0;
        }

        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    /// <summary>Host, port and user, safe to show in logs and messages.</summary>
    public override string ToString() => IsMultiHost ? $"{Username}@{Host}" : $"{Username}@{Host}:{Port}";
}
