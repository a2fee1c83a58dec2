namespace StackGres.Ops.Worker.Notifications;

/// <summary>A notification claimed for delivery to one sink; <see cref="Attempt"/> counts this delivery (1 for the first).</summary>
public sealed record PendingNotification(NotificationEvent Event, string Sink, int Attempt);
