namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Log messages of cluster provisioning, event ids 6xxx (the worker's areas are listed in OpsEventIds).</summary>
internal static partial class ProvisioningLog
{
    public const int ClusterApplied = 6000;
    public const int ClusterApplyRefused = 6001;
    public const int KubernetesUnreachable = 6002;

    [LoggerMessage(EventId = ClusterApplied, Level = LogLevel.Information,
        Message = "Cluster {Cluster} applied to namespace {Namespace}: {Count} objects (dry run: {DryRun})")]
    public static partial void Applied(ILogger logger, string cluster, string @namespace, int count, bool dryRun);

    [LoggerMessage(EventId = ClusterApplyRefused, Level = LogLevel.Warning, Message = "Cluster {Cluster} not applied: {Reason}")]
    public static partial void Refused(ILogger logger, string cluster, string reason);

    [LoggerMessage(EventId = KubernetesUnreachable, Level = LogLevel.Warning, Message = "Cluster {Cluster} not applied: the Kubernetes API cannot be reached")]
    public static partial void Unreachable(ILogger logger, string cluster, Exception exception);
}
