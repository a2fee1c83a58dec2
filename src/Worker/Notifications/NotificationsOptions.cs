using StackGres.Ops.Worker.Notifications.Staleness;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>Where and how the worker tells people what went wrong: <c>Ops:Notifications:*</c>.</summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Ops:Notifications";

    /// <summary>The sinks, by name (a DNS label: it is stored with each notification and named in logs instead of the URL).</summary>
    public Dictionary<string, NotificationSinkOptions> Sinks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often each worker replica looks for notifications that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed delivery; doubled after each failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A notification not delivered this long after its event is given up (and the worker's log says so).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    public StalenessOptions Staleness { get; set; } = new();
}
