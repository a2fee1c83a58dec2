using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>What the rolling operations check before a run is queued: the cluster lists its instances, names exist.</summary>
internal static class RollingPreflight
{
    public static void Check(string operation, ParameterValues values, IClusterConnector connector, List<string> errors)
    {
        var instances = connector.Cluster.Instances;
        if (RollingParameters.From(values).ReplacePods)
        {
            if (connector.Cluster.Patroni?.StatefulSet is null)
            {
                errors.Add($"Cluster '{connector.Cluster.Name}' names no StatefulSet: replacing pods needs a Patroni cluster on Kubernetes with " +
                           $"Ops:Clusters:{connector.Cluster.Name}:Patroni:StatefulSet (set by itself for a cluster this worker provisions).");
            }

            return;
        }

        if (connector.Cluster.Patroni is not null)
        {
            // Patroni knows its members; they are checked when the run starts.
            if (values.Has(RollingParameters.BinDirectoryName))
            {
                errors.Add($"Cluster '{connector.Cluster.Name}' is managed by Patroni: its binaries come from its image (or Patroni's bin_dir), not from 'binDirectory'; change them there, then run rolling-restart.");
            }

            return;
        }

        if (instances.Count < 2)
        {
            errors.Add(instances.Count == 0
                ? $"Cluster '{connector.Cluster.Name}' lists no Instances in the inventory: {operation} needs the primary and its replicas named (Ops:Clusters:{connector.Cluster.Name}:Instances)."
                : $"Cluster '{connector.Cluster.Name}' has a single instance: {operation} needs at least one replica.");
            return;
        }

        if (values.GetString(RollingParameters.CandidateName) is { } candidate &&
            !instances.Any(i => string.Equals(i.Name, candidate, StringComparison.Ordinal)))
        {
            errors.Add($"Parameter 'candidate': cluster '{connector.Cluster.Name}' has no instance '{candidate}' (it has {string.Join(", ", instances.Select(i => i.Name))}).");
        }

        foreach (var instance in instances.Where(i => i.Local is null))
        {
            errors.Add($"Instance '{instance.Name}' of cluster '{connector.Cluster.Name}' has no DataDirectory: {operation} restarts instances on the worker's machine (clusters on Kubernetes are not supported yet).");
        }
    }
}
