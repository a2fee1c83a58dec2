namespace StackGres.Ops.Worker.Notifications;

public enum NotificationSinkType
{
    /// <summary>The event as JSON, signed with HMAC-SHA256 (<c>X-StackGres-Ops-Signature</c>).</summary>
    Webhook,

    /// <summary>A Slack-compatible incoming webhook: <c>{"text": "..."}</c> (Slack, Mattermost, Rocket.Chat...).</summary>
    Slack,
}
