using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>One server of a cluster with replicas: <c>Ops:Clusters:{name}:Instances:{i}</c>.</summary>
public sealed class InstanceDefinition
{
    /// <summary>Its name (its cluster_name and replication slot name): lower-case letters, digits, '-' or '_'.</summary>
    public string Name { get; set; } = string.Empty;

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 5432;

    /// <summary>Its data directory, when it runs on the worker's machine.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The pg_ctl to start it with when it is down; while it runs, the one next to its running binary is used.</summary>
    public string? PgCtl { get; set; }

    /// <summary>Its Unix socket directory for pgBackRest; default: its first unix_socket_directories.</summary>
    public string? SocketDirectory { get; set; }

    public ClusterInstance ToInstance() => new()
    {
        Name = Name,
        Host = Host,
        Port = Port,
        Local = DataDirectory is null ? null : new LocalServer { DataDirectory = DataDirectory, PgCtl = PgCtl, SocketDirectory = SocketDirectory },
    };
}
