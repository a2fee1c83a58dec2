using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>
/// Delivers queued notifications, on every worker replica: every <see cref="NotificationsOptions.PollInterval"/> it
/// claims the due ones, POSTs each to its sink, and records the delivery, or the next attempt after a doubling delay
/// (<see cref="NotificationsOptions.FirstRetryDelay"/> up to <see cref="NotificationsOptions.MaxRetryDelay"/>), or,
/// past <see cref="NotificationsOptions.GiveUpAfter"/>, that it gave up. Runs never wait for it.
/// </summary>
public sealed class NotificationDispatcher(
    NotificationStore store,
    NotificationSender sender,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Sinks.Count == 0)
        {
            return;
        }

        // A claim keeps the rows out of the other replicas' reach while this one delivers them, one after another.
        var lease = settings.RequestTimeout * (BatchSize + 1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = await ClaimAsync(lease, stoppingToken);
                foreach (var pending in claimed)
                {
                    await DeliverAsync(pending, stoppingToken);
                }

                if (claimed.Count < BatchSize)
                {
                    await Task.Delay(settings.PollInterval, clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyList<PendingNotification>> ClaimAsync(TimeSpan lease, CancellationToken stoppingToken)
    {
        try
        {
            return await store.ClaimAsync(BatchSize, lease, options.Value.Sinks.Keys, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The storage away, or anything else: the next poll tries again; the worker goes on.
            Log.NotificationPollFailed(logger, e);
            return [];
        }
    }

    private async Task DeliverAsync(PendingNotification pending, CancellationToken stoppingToken)
    {
        var notification = pending.Event;
        try
        {
            var error = await sender.SendAsync(pending, options.Value.Sinks[pending.Sink], stoppingToken);
            if (error is null)
            {
                await store.DeliveredAsync(pending, stoppingToken);
                Log.NotificationDelivered(logger, notification.Id, notification.Type, notification.Cluster, pending.Sink, pending.Attempt);
                return;
            }

            var delay = RetryDelay(pending.Attempt);
            if (clock.GetUtcNow() + delay - notification.OccurredAt > options.Value.GiveUpAfter)
            {
                await store.GiveUpAsync(pending, error, stoppingToken);
                Log.NotificationGivenUp(logger, notification.Id, notification.Type, notification.Cluster, pending.Sink, pending.Attempt, error);
                return;
            }

            await store.RetryLaterAsync(pending, delay, error, stoppingToken);
            Log.NotificationFailed(logger, notification.Id, notification.Type, notification.Cluster, pending.Sink, pending.Attempt, error, delay);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The row stays claimed until its lease runs out, then it is due again.
            Log.NotificationPollFailed(logger, e);
        }
    }

    /// <summary>FirstRetryDelay after the first failure, doubling after each, at most MaxRetryDelay.</summary>
    private TimeSpan RetryDelay(int failures)
    {
        var settings = options.Value;
        var ticks = settings.FirstRetryDelay.Ticks * (1L << Math.Min(failures - 1, 20));
        return ticks <= 0 || ticks > settings.MaxRetryDelay.Ticks ? settings.MaxRetryDelay : TimeSpan.FromTicks(ticks);
    }
}
