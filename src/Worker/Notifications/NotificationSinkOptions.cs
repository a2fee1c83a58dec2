namespace StackGres.Ops.Worker.Notifications;

/// <summary>One sink: <c>Ops:Notifications:Sinks:{name}:*</c>. The URL and the secret are never logged nor shown in messages.</summary>
public sealed class NotificationSinkOptions
{
    public NotificationSinkType Type { get; set; } = NotificationSinkType.Webhook;

    /// <summary>Where to POST (a Slack incoming-webhook URL holds its token: treat it as a secret).</summary>
    public string? Url { get; set; }

    /// <summary>A file holding the URL (a mounted Secret), instead of <see cref="Url"/>.</summary>
    public string? UrlFile { get; set; }

    /// <summary>The HMAC-SHA256 key of a <see cref="NotificationSinkType.Webhook"/> sink (16 characters or more).</summary>
    public string? Secret { get; set; }

    /// <summary>A file holding the secret, instead of <see cref="Secret"/>.</summary>
    public string? SecretFile { get; set; }

    /// <summary>The events this sink receives (see <see cref="NotificationEvents"/>); empty: all of them.</summary>
    public List<string> Events { get; set; } = [];

    public bool Receives(string eventType) => Events.Count == 0 || Events.Contains(eventType, StringComparer.Ordinal);
}
