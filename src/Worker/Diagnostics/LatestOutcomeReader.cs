using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>
/// Reads the latest outcome of every operation on every cluster from the run history, two index lookups per pair
/// (<c>runs_outcomes</c>), so every replica sees the same, also after a restart. Pairs that never ended succeeded or failed are left out.
/// </summary>
public sealed class LatestOutcomeReader(OpsDataSource dataSource)
{
    public async Task<IReadOnlyList<LatestOutcome>> ReadAsync(IEnumerable<string> clusters, IEnumerable<string> operations, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            """
            SELECT c.cluster, o.operation, s.finished_at, l.status = 'failed'
            FROM unnest($1::text[]) AS c (cluster) CROSS JOIN unnest($2::text[]) AS o (operation)
            CROSS JOIN LATERAL (
                SELECT status FROM ops.runs r
                WHERE r.cluster = c.cluster AND r.operation = o.operation AND r.status IN ('succeeded', 'failed') AND NOT r.dry_run
                  AND r.finished_at IS NOT NULL
                ORDER BY r.finished_at DESC LIMIT 1) l
            LEFT JOIN LATERAL (
                SELECT finished_at FROM ops.runs r
                WHERE r.cluster = c.cluster AND r.operation = o.operation AND r.status = 'succeeded' AND NOT r.dry_run
                  AND r.finished_at IS NOT NULL
                ORDER BY r.finished_at DESC LIMIT 1) s ON true
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. clusters] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. operations] });
        var outcomes = new List<LatestOutcome>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            outcomes.Add(new LatestOutcome(reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3)));
        }

        return outcomes;
    }

    /// <summary>The result of each cluster's latest succeeded health-check run, for the clusters where it finished after the time given.</summary>
    public async Task<IReadOnlyList<(string Cluster, DateTimeOffset FinishedAt, JsonElement Result)>> LatestHealthChecksAsync(
        IReadOnlyCollection<(string Cluster, DateTimeOffset? After)> clusters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            """
            SELECT c.cluster, r.finished_at, r.result
            FROM unnest($1::text[], $2::timestamptz[]) AS c (cluster, after)
            CROSS JOIN LATERAL (
                SELECT finished_at, result FROM ops.runs r
                WHERE r.cluster = c.cluster AND r.operation = $3 AND r.status = 'succeeded' AND NOT r.dry_run
                  AND r.result IS NOT NULL AND r.finished_at IS NOT NULL
                ORDER BY r.finished_at DESC LIMIT 1) r
            WHERE c.after IS NULL OR r.finished_at > c.after
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. clusters.Select(c => c.Cluster)] });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = clusters.Select(c => c.After is { } after ? (object)after.ToUniversalTime() : DBNull.Value).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = HealthCheckOperation.OperationName });
        var results = new List<(string, DateTimeOffset, JsonElement)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), JsonDocument.Parse(reader.GetString(2)).RootElement));
        }

        return results;
    }
}
