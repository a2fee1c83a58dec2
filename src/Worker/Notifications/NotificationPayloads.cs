using System.Text;
using System.Text.Json.Nodes;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>The bodies sinks receive: the event as JSON for a webhook, one line of text for a Slack-compatible one.</summary>
public static class NotificationPayloads
{
    /// <summary>
    /// The webhook body. <c>timestamp</c> (unix seconds of this delivery, also in <c>X-StackGres-Ops-Timestamp</c>) is inside
    /// the signed body, so a receiver can refuse old replays; <c>id</c> is the same at every attempt and for every sink.
    /// </summary>
    public static byte[] Webhook(PendingNotification pending, DateTimeOffset now)
    {
        var notification = pending.Event;
        var body = new JsonObject
        {
            ["id"] = notification.Id,
            ["type"] = notification.Type,
            ["timestamp"] = now.ToUnixTimeSeconds(),
            ["attempt"] = pending.Attempt,
            ["occurredAt"] = notification.OccurredAt.ToUniversalTime(),
            ["cluster"] = notification.Cluster,
            ["operation"] = notification.Operation,
            ["runId"] = notification.RunId,
            ["summary"] = notification.Summary,
            ["details"] = notification.Details.DeepClone(),
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>A Slack incoming-webhook message: <c>{"text": "..."}</c>, which Mattermost and Rocket.Chat take too.</summary>
    public static byte[] Slack(PendingNotification pending)
    {
        var notification = pending.Event;
        var icon = notification.Type switch
        {
            NotificationEvents.OperationRecovered => ":white_check_mark:",
            NotificationEvents.OperationStale or NotificationEvents.WindowStepSkipped => ":warning:",
            _ => ":x:",
        };
        var run = notification.RunId is { } id ? $" · run `{id}`" : string.Empty;
        var text = $"{icon} *StackGres.Ops {notification.Type}*: {Escape(notification.Summary)}{run}";
        return Encoding.UTF8.GetBytes(new JsonObject { ["text"] = text }.ToJsonString());
    }

    /// <summary>Slack's three control characters in message text.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
