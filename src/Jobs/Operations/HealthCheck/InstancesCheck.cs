using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Topology;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// For a cluster whose instances the inventory lists: every instance is asked directly (the primary's
/// pg_stat_replication cannot see a replica that is down or never connected). No instance accepting writes, or more
/// than one, is critical; an instance that does not answer is critical; a replica not streaming from the primary is a
/// warning (it may be catching up from the archive).
/// </summary>
public static class InstancesCheck
{
    public const string CheckName = "instances";
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(IClusterConnector connector, List<HealthFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(findings);
        var topology = await new ClusterTopologyReader(connector, connector.Cluster.Instances) { AnswerWithin = AnswerWithin }
            .ReadAsync(cancellationToken).ConfigureAwait(false);
        switch (topology.Primaries.Count)
        {
            case 0:
                findings.Add(new(HealthSeverity.Critical, CheckName, "cluster", $"No instance accepts writes: {topology.Describe()}."));
                break;
            case > 1:
                findings.Add(new(HealthSeverity.Critical, CheckName, "cluster",
                    $"More than one instance accepts writes ({string.Join(", ", topology.Primaries.Select(p => p.Instance.Name))}): split brain."));
                break;
        }

        foreach (var instance in topology.Instances)
        {
            var name = instance.Instance.ToString();
            findings.Add(instance.Role switch
            {
                "down" => new(HealthSeverity.Critical, CheckName, name, $"The instance does not answer: {instance.Error}"),
                "primary" => new(HealthSeverity.Ok, CheckName, name, "Primary; accepts writes."),
                _ when topology.IsStreaming(instance) => new(HealthSeverity.Ok, CheckName, name, "Replica streaming from the primary.")
                {
                    Value = topology.LagBytes(instance),
                },
                _ => new(HealthSeverity.Warning, CheckName, name,
                    $"Replica not streaming from the primary (walreceiver {instance.ReceiverStatus ?? "not running"}).")
                {
                    Value = topology.LagBytes(instance),
                },
            });
        }
    }
}
