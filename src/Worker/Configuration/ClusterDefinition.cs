using Npgsql;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// One cluster of the inventory, as configured under <c>Ops:Clusters:{name}</c>. The password is
/// never written here: it is read from an environment variable or a file (a mounted Secret).
/// </summary>
public sealed class ClusterDefinition
{
    public string Host { get; set; } = string.Empty;
    public int Port { get; set; } = 5432;
    public string Username { get; set; } = "postgres";
    public string Database { get; set; } = "postgres";
    public SslMode SslMode { get; set; } = SslMode.Prefer;

    /// <summary>Where the definition came from, for messages; null for <c>Ops:Clusters</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal string? Origin { get; set; }

    /// <summary>Labels that maintenance windows select clusters by.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Name of the environment variable holding the password.</summary>
    public string? PasswordEnv { get; set; }

    /// <summary>Path of a file holding the password (trailing newline ignored).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// The Secret key holding the password, for the Kubernetes executor: the Job gets it as a
    /// secretKeyRef, never as a value. The worker itself still reads PasswordEnv or PasswordFile.
    /// </summary>
    public SecretKeyReference? PasswordSecret { get; set; }

    /// <summary>The namespace the Kubernetes executor creates this cluster's Jobs in; default: the executor's.</summary>
    public string? Namespace { get; set; }

    /// <summary>The primary's data directory, for operations that run on its machine (backup, restore).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The pg_ctl that may restart the primary (archive_mode needs a restart); none: never restarted.</summary>
    public string? PgCtl { get; set; }

    /// <summary>The primary's Unix socket directory for pgBackRest; default: its first unix_socket_directories.</summary>
    public string? SocketDirectory { get; set; }

    /// <summary>The pgBackRest repository and retention; null: no backups.</summary>
    public BackupRepository? Backup { get; set; }

    /// <summary>
    /// The cluster's servers when it has replicas (<c>Ops:Clusters:{name}:Instances:{i}</c>); Host and Port may then
    /// be left out: connections go to whichever instance accepts writes. Rolling restarts, minor upgrades and
    /// switchovers need them, with each instance's DataDirectory (and PgCtl) when it runs on the worker's machine.
    /// </summary>
    public List<InstanceDefinition> Instances { get; set; } = [];

    /// <summary>
    /// Patroni's REST API of the cluster's members (<c>Ops:Clusters:{name}:Patroni:Urls</c>, any member answers):
    /// rolling-restart and switchover then ask Patroni, which restarts, promotes and rewinds the members itself.
    /// </summary>
    public PatroniDefinition? Patroni { get; set; }

    public ClusterConnection ToConnection(string? name = null) => new()
    {
        Name = name,
        Host = Instances.Count > 0 && string.IsNullOrWhiteSpace(Host)
            ? string.Join(',', Instances.Select(i => $"{i.Host}:{i.Port}"))
            : Host,
        Port = Port,
        Instances = Instances.Select(i => i.ToInstance()).ToArray(),
        Patroni = Patroni is { Urls.Count: > 0 } patroni
            ? new Jobs.Clusters.Patroni.PatroniEndpoint
            {
                Urls = patroni.Urls.ToArray(),
                StatefulSet = string.IsNullOrWhiteSpace(patroni.StatefulSet)
                    ? null
                    : new Jobs.Clusters.Patroni.StatefulSetReference { Name = patroni.StatefulSet, Namespace = patroni.Namespace, Container = patroni.Container },
            }
            : null,
        Username = Username,
        Database = Database,
        SslMode = SslMode,
        Local = DataDirectory is null ? null : new LocalServer { DataDirectory = DataDirectory, PgCtl = PgCtl, SocketDirectory = SocketDirectory },
        Backup = Backup,
    };
}
