using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;

namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>The alert that starts a staleness episode and the message that ends it.</summary>
public static class StalenessEvents
{
    public static NotificationEvent Stale(string cluster, string operation, TimeSpan bound, DateTimeOffset? lastSuccessAt, DateTimeOffset watchedSince, DateTimeOffset now)
    {
        var since = lastSuccessAt is { } last
            ? $"the last one ended {Time(last)}"
            : $"none since the worker began watching, {Time(watchedSince)}";
        return new NotificationEvent(Guid.CreateVersion7(now), NotificationEvents.OperationStale, cluster, operation, null, now,
            $"No successful {operation} on cluster {cluster} within {Duration(bound)}: {since}.",
            Details(bound, lastSuccessAt, staleSince: now));
    }

    public static NotificationEvent Recovered(string cluster, string operation, TimeSpan bound, DateTimeOffset lastSuccessAt, DateTimeOffset staleSince, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), NotificationEvents.OperationRecovered, cluster, operation, null, now,
            $"{operation} on cluster {cluster} succeeded again ({Time(lastSuccessAt)}), after being stale since {Time(staleSince)}.",
            Details(bound, lastSuccessAt, staleSince));

    private static JsonObject Details(TimeSpan bound, DateTimeOffset? lastSuccessAt, DateTimeOffset staleSince) => new()
    {
        ["bound"] = XmlConvert.ToString(bound),
        ["lastSuccessAt"] = lastSuccessAt?.ToUniversalTime(),
        ["staleSince"] = staleSince.ToUniversalTime(),
    };

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.ToString(span.Days > 0 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
