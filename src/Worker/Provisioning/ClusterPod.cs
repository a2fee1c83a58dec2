using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>The pod template: PostgreSQL and the enabled sidecars, non-root, spread over nodes when it can be.</summary>
public static class ClusterPod
{
    /// <summary>The postgres user of the PostgreSQL images (Debian's and StackGres's).</summary>
    public const long PostgresUid = 999;

    public static V1PodTemplateSpec Build(ClusterBlueprint cluster, string configHash)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var containers = new List<V1Container> { PostgresContainer.Build(cluster) };
        if (cluster.Spec.Pooling.Enabled)
        {
            containers.Add(SidecarContainers.PgBouncer(cluster));
        }

        if (cluster.Spec.Metrics.Enabled)
        {
            containers.Add(SidecarContainers.Exporter(cluster));
        }

        var volumes = new List<V1Volume>
        {
            new()
            {
                Name = PostgresContainer.ConfigVolume,
                ConfigMap = new V1ConfigMapVolumeSource { Name = ClusterNames.ConfigMap(cluster.Name), DefaultMode = 0x124 /* 0444 */ },
            },
            new() { Name = PostgresContainer.SocketVolume, EmptyDir = new V1EmptyDirVolumeSource() },
            new() { Name = PostgresContainer.TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (cluster.Backup is { TlsSecret: not null } backup)
        {
            containers.Add(SidecarContainers.PgBackRestServer(cluster));
            volumes.Add(SidecarContainers.PgBackRestTls(backup));
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = ClusterLabels.For(cluster),
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [ClusterLabels.ConfigHash] = configHash },
            },
            Spec = new V1PodSpec
            {
                ServiceAccountName = ClusterNames.Patroni(cluster.Name),
                // Patroni keeps the leader lock and the role labels through the API.
                AutomountServiceAccountToken = true,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = 60,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = PostgresUid,
                    RunAsGroup = PostgresUid,
                    FsGroup = PostgresUid,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Affinity = new V1Affinity
                {
                    // Preferred, not required: a cluster with more instances than nodes still starts.
                    PodAntiAffinity = new V1PodAntiAffinity
                    {
                        PreferredDuringSchedulingIgnoredDuringExecution =
                        [
                            new V1WeightedPodAffinityTerm
                            {
                                Weight = 100,
                                PodAffinityTerm = new V1PodAffinityTerm
                                {
                                    TopologyKey = "kubernetes.io/hostname",
                                    LabelSelector = new V1LabelSelector { MatchLabels = ClusterLabels.Selector(cluster.Name) },
                                },
                            },
                        ],
                    },
                },
                Containers = containers,
                Volumes = volumes,
            },
        };
    }

    public static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };
}
