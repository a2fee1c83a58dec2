using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Clusters;

/// <summary>
/// One cluster of the inventory: its name, its definition (<c>Ops:Clusters:{name}</c>), how to reach it and how to
/// read its password, which is never kept: it is read from its environment variable or file each time it is needed.
/// </summary>
public sealed record InventoryCluster(string Name, ClusterDefinition Definition)
{
    /// <summary>Where and how to connect: the servers, Patroni, the local data directory and the backup repository.</summary>
    public ClusterConnection Connection => Definition.ToConnection(Name);

    public IReadOnlyDictionary<string, string> Labels => Definition.Labels;

    /// <summary>Reads the cluster's password from its environment variable or file; null when none is configured.</summary>
    public string? ReadPassword()
    {
        if (Definition.PasswordEnv is { } variable)
        {
            return Environment.GetEnvironmentVariable(variable);
        }

        return Definition.PasswordFile is { } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : null;
    }

    /// <summary>Connections to the cluster's servers, named <paramref name="applicationName"/> in pg_stat_activity.</summary>
    public ClusterConnector Connect(string applicationName) => new(Connection, ReadPassword(), applicationName);
}
