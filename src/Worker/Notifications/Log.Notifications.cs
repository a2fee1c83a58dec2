namespace StackGres.Ops.Worker;

/// <summary>The notification messages. They name the sink, never its URL or secret.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = OpsEventIds.NotificationDelivered, Level = LogLevel.Information,
        Message = "Notification {NotificationId} ({EventType} on {Cluster}) delivered to sink {Sink} at attempt {Attempt}")]
    public static partial void NotificationDelivered(ILogger logger, Guid notificationId, string eventType, string cluster, string sink, int attempt);

    [LoggerMessage(EventId = OpsEventIds.NotificationFailed, Level = LogLevel.Warning,
        Message = "Notification {NotificationId} ({EventType} on {Cluster}) to sink {Sink} failed at attempt {Attempt}: {Error}; next attempt in {Delay}")]
    public static partial void NotificationFailed(ILogger logger, Guid notificationId, string eventType, string cluster, string sink, int attempt, string error, TimeSpan delay);

    [LoggerMessage(EventId = OpsEventIds.NotificationGivenUp, Level = LogLevel.Error,
        Message = "Notification {NotificationId} ({EventType} on {Cluster}) to sink {Sink} given up after {Attempt} attempts: {Error}")]
    public static partial void NotificationGivenUp(ILogger logger, Guid notificationId, string eventType, string cluster, string sink, int attempt, string error);

    [LoggerMessage(EventId = OpsEventIds.NotificationPollFailed, Level = LogLevel.Warning,
        Message = "Notifications could not be read or updated in the worker's database; trying again")]
    public static partial void NotificationPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.OperationStale, Level = LogLevel.Warning,
        Message = "No successful {Operation} on cluster {Cluster} within {Bound} (last {LastSuccess})")]
    public static partial void OperationStale(ILogger logger, string operation, string cluster, TimeSpan bound, string lastSuccess);

    [LoggerMessage(EventId = OpsEventIds.OperationRecovered, Level = LogLevel.Information,
        Message = "{Operation} on cluster {Cluster} succeeded again at {LastSuccess}")]
    public static partial void OperationRecovered(ILogger logger, string operation, string cluster, DateTimeOffset lastSuccess);

    [LoggerMessage(EventId = OpsEventIds.StalenessCheckFailed, Level = LogLevel.Warning,
        Message = "The run history could not be checked for staleness; trying again at the next check")]
    public static partial void StalenessCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.StalenessChecked, Level = LogLevel.Debug,
        Message = "Run history checked: {Watched} operations watched on the clusters, {Stale} stale")]
    public static partial void StalenessChecked(ILogger logger, int watched, int stale);
}
