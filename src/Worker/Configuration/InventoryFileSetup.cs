using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Adds the clusters of <c>Ops:InventoryFile</c> to the inventory; problems are reported by the validator.</summary>
public sealed class InventoryFileSetup(IConfiguration configuration) : IPostConfigureOptions<ClustersOptions>
{
    public void PostConfigure(string? name, ClustersOptions options)
    {
        if (configuration[InventoryFile.ConfigurationKey] is not { Length: > 0 } path ||
            InventoryFile.TryRead(path, out _) is not { } clusters)
        {
            return;
        }

        foreach (var (clusterName, cluster) in clusters)
        {
            if (!options.TryAdd(clusterName, cluster))
            {
                options.Duplicates.Add(clusterName);
            }
        }
    }
}
