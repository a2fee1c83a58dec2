using StackGres.Ops.Worker.Execution.Kubernetes;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// The labels of a cluster's objects and the names derived from the cluster's. Selectors use only the labels
/// that never change (name, instance, cluster); the role label is Patroni's, set on each pod as it leads or follows.
/// </summary>
public static class ClusterLabels
{
    public const string Name = JobLabels.Name;
    public const string Instance = "app.kubernetes.io/instance";
    public const string Version = "app.kubernetes.io/version";
    public const string Component = JobLabels.Component;
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = JobLabels.ManagedBy;
    public const string Cluster = JobLabels.Cluster;

    /// <summary>The label Patroni keeps on each pod: <see cref="Primary"/> on the leader, <see cref="Replica"/> on the others.</summary>
    public const string Role = "role";
    public const string Primary = "primary";
    public const string Replica = "replica";

    public const string AppName = "postgresql";
    public const string DatabaseComponent = "database";

    /// <summary>The pod template annotation that changes with postgresql.conf or patroni.yml.</summary>
    public const string ConfigHash = "ops.stackgres.io/config-hash";

    /// <summary>Labels that select the cluster's pods (immutable in a StatefulSet: never add to them).</summary>
    public static Dictionary<string, string> Selector(string cluster) => new(StringComparer.Ordinal)
    {
        [Name] = AppName,
        [Instance] = cluster,
        [Cluster] = cluster,
    };

    /// <summary>Every object's labels: the selector's plus version, component and who manages it.</summary>
    public static Dictionary<string, string> For(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var labels = Selector(cluster.Name);
        labels[Version] = cluster.Version.ToString();
        labels[Component] = DatabaseComponent;
        labels[PartOf] = JobLabels.AppName;
        labels[ManagedBy] = JobLabels.AppName;
        return labels;
    }

    /// <summary>The selector of the pods in one role.</summary>
    public static Dictionary<string, string> RoleSelector(string cluster, string role)
    {
        var selector = Selector(cluster);
        selector[Role] = role;
        return selector;
    }
}

/// <summary>The names of a cluster's objects, all derived from the cluster's.</summary>
public static class ClusterNames
{
    public static string StatefulSet(string cluster) => cluster;

    /// <summary>The headless Service of the StatefulSet: one DNS name per pod.</summary>
    public static string Pods(string cluster) => $"{cluster}-pods";

    /// <summary>Read-write: the primary.</summary>
    public static string PrimaryService(string cluster) => $"{cluster}-primary";

    /// <summary>Read-only: the replicas.</summary>
    public static string ReplicasService(string cluster) => $"{cluster}-replicas";

    /// <summary>postgresql.conf and patroni.yml (Patroni's own ConfigMaps are {cluster}-config and {cluster}-leader).</summary>
    public static string ConfigMap(string cluster) => $"{cluster}-postgres-conf";

    public static string DisruptionBudget(string cluster) => cluster;

    /// <summary>The ServiceAccount, Role and RoleBinding Patroni runs with.</summary>
    public static string Patroni(string cluster) => $"{cluster}-patroni";
}
