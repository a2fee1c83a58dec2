using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>
/// The delivery side of <c>ops.notifications</c>. A replica claims due rows with <c>FOR UPDATE SKIP LOCKED</c> and
/// moves them out of reach for a lease, so each delivery is made by one replica; one that dies mid-way leaves the
/// row due again when the lease runs out (delivery is at least once: receivers de-duplicate on the event id).
/// </summary>
public sealed class NotificationStore(OpsDataSource dataSource)
{
    /// <summary>Claims up to <paramref name="limit"/> due notifications of <paramref name="sinks"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PendingNotification>> ClaimAsync(int limit, TimeSpan lease, IReadOnlyCollection<string> sinks, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            """
            UPDATE ops.notifications n SET attempts = n.attempts + 1, next_attempt_at = clock_timestamp() + $2
            FROM (SELECT id, sink FROM ops.notifications
                  WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= clock_timestamp() AND sink = ANY($3)
                  ORDER BY next_attempt_at LIMIT $1
                  FOR UPDATE SKIP LOCKED) due
            WHERE n.id = due.id AND n.sink = due.sink
            RETURNING n.id, n.sink, n.event, n.cluster, n.operation, n.run_id, n.occurred_at, n.summary, n.details, n.attempts
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. sinks] });
        var claimed = new List<PendingNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var notification = new NotificationEvent(
                reader.GetGuid(0), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7),
                JsonNode.Parse(reader.GetString(8)) as JsonObject ?? []);
            claimed.Add(new PendingNotification(notification, reader.GetString(1), reader.GetInt32(9)));
        }

        return claimed;
    }

    public Task DeliveredAsync(PendingNotification notification, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE ops.notifications SET delivered_at = clock_timestamp(), last_error = NULL WHERE id = $1 AND sink = $2",
            notification, cancellationToken);

    /// <summary>Makes the notification due again after <paramref name="delay"/>, unless another replica claimed it since.</summary>
    public Task RetryLaterAsync(PendingNotification notification, TimeSpan delay, string error, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE ops.notifications SET next_attempt_at = clock_timestamp() + $3, last_error = $4 WHERE id = $1 AND sink = $2 AND attempts = $5 AND delivered_at IS NULL",
            notification, cancellationToken,
            new NpgsqlParameter<TimeSpan> { TypedValue = delay }, new NpgsqlParameter<string> { TypedValue = error },
            new NpgsqlParameter<int> { TypedValue = notification.Attempt });

    public Task GiveUpAsync(PendingNotification notification, string error, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE ops.notifications SET given_up_at = clock_timestamp(), last_error = $3 WHERE id = $1 AND sink = $2 AND delivered_at IS NULL",
            notification, cancellationToken, new NpgsqlParameter<string> { TypedValue = error });

    private async Task UpdateAsync(string sql, PendingNotification notification, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.Value.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = notification.Event.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = notification.Sink, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
