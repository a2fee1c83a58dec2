namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>
/// Points a cluster with instances at its current primary (its address and its files), so that tools that take one
/// server (pgBackRest, pg_repack) and operations that read the primary's files work after a switchover.
/// </summary>
public static class PrimaryLocator
{
    /// <summary>The cluster aimed at its primary; unchanged when it has no instances or no single primary.</summary>
    public static async Task<ClusterConnection> LocateAsync(ClusterConnection cluster, string? password, string applicationName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Instances.Count == 0)
        {
            return cluster;
        }

        await using var connector = new ClusterConnector(cluster, password, applicationName);
        var topology = await new ClusterTopologyReader(connector, cluster.Instances).ReadAsync(cancellationToken).ConfigureAwait(false);
        return topology.Primary is { } primary ? cluster.ForInstance(primary.Instance) : cluster;
    }
}
