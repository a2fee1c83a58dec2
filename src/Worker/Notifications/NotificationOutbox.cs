using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>
/// Queues an event for every sink that receives it, on the connection and in the transaction of the change that
/// raised it (a run's outcome, a staleness episode), so the event is kept exactly when the change is.
/// Delivery comes later (<see cref="NotificationDispatcher"/>) and never holds that transaction up.
/// </summary>
public sealed class NotificationOutbox(IOptions<NotificationsOptions> options)
{
    /// <summary>Whether any sink receives the event: when none does, callers need not open a transaction for it.</summary>
    public bool Wants(string eventType) => options.Value.Sinks.Values.Any(sink => sink.Receives(eventType));

    public async Task AddAsync(NotificationEvent notification, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var sinks = options.Value.Sinks.Where(sink => sink.Value.Receives(notification.Type)).Select(sink => sink.Key).ToArray();
        if (sinks.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO ops.notifications (id, sink, event, cluster, operation, run_id, occurred_at, summary, details, next_attempt_at)
            SELECT $1, sink, $2, $3, $4, $5, $6, $7, $8, $6 FROM unnest($9::text[]) AS sink
            ON CONFLICT DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = notification.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification.Cluster });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification.Operation });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)notification.RunId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = notification.OccurredAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification.Summary });
        command.Parameters.Add(new NpgsqlParameter { Value = notification.Details.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Json });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sinks });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
