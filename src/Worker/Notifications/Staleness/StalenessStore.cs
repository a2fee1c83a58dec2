using Npgsql;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>
/// <c>ops.staleness</c>: the episodes. An episode starts and ends by a conditional UPDATE that queues its notification in the
/// same transaction, so whichever replica checks, each episode is notified once when it starts and once when it ends.
/// </summary>
public sealed class StalenessStore(OpsDataSource dataSource, NotificationOutbox outbox)
{
    /// <summary>Starts watching the pairs not yet watched (from <paramref name="now"/>), and returns the state of every pair.</summary>
    public async Task<IReadOnlyDictionary<(string Cluster, string Operation), StalenessState>> WatchAsync(
        IReadOnlyCollection<(string Cluster, string Operation)> pairs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            """
            WITH pairs AS (SELECT * FROM unnest($1::text[], $2::text[]) AS p (cluster, operation)),
            added AS (
                INSERT INTO ops.staleness (cluster, operation, watched_since) SELECT cluster, operation, $3 FROM pairs
                ON CONFLICT DO NOTHING
                RETURNING cluster, operation, watched_since, stale_since)
            SELECT cluster, operation, watched_since, stale_since FROM added
            UNION ALL
            SELECT s.cluster, s.operation, s.watched_since, s.stale_since FROM ops.staleness s JOIN pairs USING (cluster, operation)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. pairs.Select(p => p.Cluster)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. pairs.Select(p => p.Operation)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        var states = new Dictionary<(string, string), StalenessState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states[(reader.GetString(0), reader.GetString(1))] = new StalenessState(
                reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
        }

        return states;
    }

    /// <summary>Starts an episode and queues its alert; false when it had started already (another replica was first).</summary>
    public Task<bool> StartEpisodeAsync(string cluster, string operation, DateTimeOffset now, NotificationEvent alert, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE ops.staleness SET stale_since = $3 WHERE cluster = $1 AND operation = $2 AND stale_since IS NULL",
            cluster, operation, now, alert, cancellationToken);

    /// <summary>Ends the episode that started at <paramref name="staleSince"/> and queues its recovery; false when it had ended already.</summary>
    public Task<bool> EndEpisodeAsync(string cluster, string operation, DateTimeOffset staleSince, NotificationEvent recovery, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE ops.staleness SET stale_since = NULL WHERE cluster = $1 AND operation = $2 AND stale_since = $3",
            cluster, operation, staleSince, recovery, cancellationToken);

    private async Task<bool> ChangeAsync(string sql, string cluster, string operation, DateTimeOffset time, NotificationEvent notification, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = operation });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.ToUniversalTime() });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await outbox.AddAsync(notification, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
