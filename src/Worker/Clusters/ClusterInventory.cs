using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Clusters;

/// <summary>The clusters this worker looks after, from configuration.</summary>
public sealed class ClusterInventory(IOptions<ClustersOptions> options)
{
    public IEnumerable<string> Names => options.Value.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string name, out ClusterDefinition cluster) => options.Value.TryGetValue(name, out cluster!);

    /// <summary>Reads the cluster's password from its environment variable or file; null when none is configured.</summary>
    public static string? ReadPassword(ClusterDefinition cluster)
    {
        if (cluster.PasswordEnv is { } variable)
        {
            return Environment.GetEnvironmentVariable(variable);
        }

        return cluster.PasswordFile is { } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : null;
    }

    public static ClusterConnector CreateConnector(ClusterDefinition cluster, string applicationName, string? name = null) =>
        new ClusterConnector(cluster.ToConnection(name), ReadPassword(cluster), applicationName);
}
