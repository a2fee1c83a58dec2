using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Diagnostics;
using StackGres.Ops.Worker.Notifications.Staleness;

namespace StackGres.Ops.Worker.Notifications;

public static class NotificationsSetup
{
    /// <summary>Notifications (options, outbox, delivery) and the staleness checks with the metrics drawn from the run history; after the storage.</summary>
    public static WebApplicationBuilder AddOpsNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<NotificationsOptions>, NotificationsOptionsSetup>();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<NotificationSender>();
        services.AddHostedService<NotificationDispatcher>();

        services.AddSingleton<LatestOutcomeReader>();
        services.AddSingleton<RunHistoryMetrics>();
        services.AddSingleton<StalenessBounds>();
        services.AddSingleton<StalenessStore>();
        services.AddHostedService<StalenessMonitor>();
        return builder;
    }
}
