using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Clusters;

/// <summary>The clusters this worker looks after, from configuration.</summary>
public sealed class ClusterInventory(IOptions<ClustersOptions> options)
{
    public IEnumerable<string> Names => options.Value.Keys.Order(StringComparer.Ordinal);

    /// <summary>Every cluster, by name.</summary>
    public IEnumerable<InventoryCluster> All => Names.Select(name => new InventoryCluster(name, options.Value[name]));

    public bool TryGet(string name, [NotNullWhen(true)] out InventoryCluster? cluster)
    {
        cluster = options.Value.TryGetValue(name, out var definition) ? new InventoryCluster(name, definition) : null;
        return cluster is not null;
    }
}
