using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>What Patroni may do in the cluster's namespace: keep its leader and config ConfigMaps, label its pods.</summary>
public static class ClusterRbac
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public static V1ServiceAccount ServiceAccount(ClusterBlueprint cluster) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = ClusterRenderer.Metadata(cluster, ClusterNames.Patroni(cluster.Name)),
    };

    public static V1Role Role(ClusterBlueprint cluster) => new()
    {
        ApiVersion = $"{RbacGroup}/v1",
        Kind = "Role",
        Metadata = ClusterRenderer.Metadata(cluster, ClusterNames.Patroni(cluster.Name)),
        Rules =
        [
            new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["create", "get", "list", "patch", "update", "watch", "delete", "deletecollection"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["endpoints"], Verbs = ["create", "get", "list", "patch", "update", "watch", "delete", "deletecollection"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "patch", "update", "watch"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["services"], Verbs = ["create"] },
        ],
    };

    public static V1RoleBinding RoleBinding(ClusterBlueprint cluster) => new()
    {
        ApiVersion = $"{RbacGroup}/v1",
        Kind = "RoleBinding",
        Metadata = ClusterRenderer.Metadata(cluster, ClusterNames.Patroni(cluster.Name)),
        RoleRef = new V1RoleRef { ApiGroup = RbacGroup, Kind = "Role", Name = ClusterNames.Patroni(cluster.Name) },
        Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ClusterNames.Patroni(cluster.Name), NamespaceProperty = cluster.Namespace }],
    };
}
