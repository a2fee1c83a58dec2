using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// The cluster's Services: headless (a DNS name per pod, for Patroni and base backups), read-write on the pod
/// labelled primary and read-only on the pods labelled replica, each with PgBouncer's port when pooling is on.
/// </summary>
public static class ClusterServices
{
    public static V1Service Pods(ClusterBlueprint cluster) => Service(cluster, ClusterNames.Pods(cluster.Name), ClusterLabels.Selector(cluster.Name), headless: true);

    public static V1Service Primary(ClusterBlueprint cluster) =>
        Service(cluster, ClusterNames.PrimaryService(cluster.Name), ClusterLabels.RoleSelector(cluster.Name, ClusterLabels.Primary), headless: false);

    public static V1Service Replicas(ClusterBlueprint cluster) =>
        Service(cluster, ClusterNames.ReplicasService(cluster.Name), ClusterLabels.RoleSelector(cluster.Name, ClusterLabels.Replica), headless: false);

    private static V1Service Service(ClusterBlueprint cluster, string name, Dictionary<string, string> selector, bool headless)
    {
        var ports = new List<V1ServicePort> { Port(PostgresContainer.PortName, PostgresContainer.Port) };
        if (cluster.Spec.Pooling.Enabled)
        {
            ports.Add(Port(SidecarContainers.PgBouncerPortName, SidecarContainers.PgBouncerPort));
        }

        if (headless)
        {
            ports.Add(Port(PostgresContainer.PatroniPortName, PatroniConfig.RestApiPort));
        }

        if (cluster.Backup?.TlsSecret is not null)
        {
            // Backup Jobs reach the primary's pgBackRest server by the primary Service (or a pod by the headless one).
            ports.Add(Port(SidecarContainers.PgBackRestPortName, SidecarContainers.PgBackRestPort));
        }

        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ClusterRenderer.Metadata(cluster, name),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                ClusterIP = headless ? "None" : null,
                // A replica still copying its base backup must be reachable by name from its peers.
                PublishNotReadyAddresses = headless ? true : null,
                Selector = selector,
                Ports = ports,
            },
        };
    }

    private static V1ServicePort Port(string name, int port) => new() { Name = name, Port = port, TargetPort = name, Protocol = "TCP" };
}
