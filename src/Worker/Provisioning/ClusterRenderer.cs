using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// Renders a cluster as Kubernetes objects, without I/O, clock or randomness: the same blueprint gives the same
/// objects, byte for byte. No owner references: the objects belong to the cluster, not to the worker.
/// </summary>
public static class ClusterRenderer
{
    public static ClusterManifests Render(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var configMap = ConfigMap(cluster);
        return new ClusterManifests(
            ClusterRbac.ServiceAccount(cluster),
            ClusterRbac.Role(cluster),
            ClusterRbac.RoleBinding(cluster),
            configMap,
            ClusterServices.Pods(cluster),
            ClusterServices.Primary(cluster),
            ClusterServices.Replicas(cluster),
            DisruptionBudget(cluster),
            StatefulSet(cluster, Hash(configMap)));
    }

    public static V1ObjectMeta Metadata(ClusterBlueprint cluster, string name) => new()
    {
        Name = name,
        NamespaceProperty = cluster.Namespace,
        Labels = ClusterLabels.For(cluster),
    };

    private static V1ConfigMap ConfigMap(ClusterBlueprint cluster) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Metadata(cluster, ClusterNames.ConfigMap(cluster.Name)),
        Data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PostgresSettings.PatroniFile] = PatroniConfig.Render(cluster),
            [PostgresSettings.ConfFile] = PostgresSettings.Render(cluster),
        },
    };

    private static V1StatefulSet StatefulSet(ClusterBlueprint cluster, string configHash)
    {
        var storage = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["storage"] = new(cluster.Spec.Storage.Size.Trim()) };
        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Metadata(cluster, ClusterNames.StatefulSet(cluster.Name)),
            Spec = new V1StatefulSetSpec
            {
                Replicas = cluster.Spec.Instances,
                ServiceName = ClusterNames.Pods(cluster.Name),
                Selector = new V1LabelSelector { MatchLabels = ClusterLabels.Selector(cluster.Name) },
                PodManagementPolicy = "OrderedReady",
                // Pods change only when deleted: restarts go replica by replica with a switchover (rolling-restart).
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" },
                PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" },
                Template = ClusterPod.Build(cluster, configHash),
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = PostgresContainer.DataVolume, Labels = ClusterLabels.Selector(cluster.Name) },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            StorageClassName = ClusterBlueprint.Present(cluster.Spec.Storage.StorageClass),
                            Resources = new V1VolumeResourceRequirements { Requests = storage },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>At most one pod of the cluster evicted at a time (a drain never takes the primary and a replica together).</summary>
    private static V1PodDisruptionBudget DisruptionBudget(ClusterBlueprint cluster) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(cluster, ClusterNames.DisruptionBudget(cluster.Name)),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = ClusterLabels.Selector(cluster.Name) },
        },
    };

    /// <summary>The first 16 hex digits of the SHA-256 of the ConfigMap's files: a new value rolls the pods' template.</summary>
    private static string Hash(V1ConfigMap configMap)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in configMap.Data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('\0').Append(value).Append('\0');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
