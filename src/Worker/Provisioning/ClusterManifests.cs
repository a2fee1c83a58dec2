using k8s;
using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Every object of one cluster; <see cref="All"/> lists them in the order they are applied.</summary>
public sealed record ClusterManifests(
    V1ServiceAccount ServiceAccount,
    V1Role Role,
    V1RoleBinding RoleBinding,
    V1ConfigMap ConfigMap,
    V1Service PodsService,
    V1Service PrimaryService,
    V1Service ReplicasService,
    V1PodDisruptionBudget DisruptionBudget,
    V1StatefulSet StatefulSet)
{
    /// <summary>What Patroni needs first, then its configuration, the Services, the budget, and the pods last.</summary>
    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> All =>
        [ServiceAccount, Role, RoleBinding, ConfigMap, PodsService, PrimaryService, ReplicasService, DisruptionBudget, StatefulSet];
}
