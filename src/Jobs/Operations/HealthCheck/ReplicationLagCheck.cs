using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Replay lag of each replica streaming from this primary, in bytes (the primary's current LSN minus the
/// replica's replay_lsn) and in seconds (replay_lag), from pg_stat_replication; a replica not in state
/// 'streaming' is a warning.
/// </summary>
public sealed class ReplicationLagCheck : IHealthCheck
{
    public const string CheckName = "replication-lag";

    private const string Query =
        """
        SELECT coalesce(nullif(r.application_name, ''), 'pid ' || r.pid), coalesce(host(r.client_addr), 'local'), r.state,
               pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), r.replay_lsn)::float8,
               extract(epoch FROM r.replay_lag)::float8
        FROM pg_catalog.pg_stat_replication r
        ORDER BY 1
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        if (await IsStandbyAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            findings.Add(new(HealthSeverity.Ok, CheckName, "server", "This server is a standby; replication lag is checked on the primary."));
            return;
        }

        var replicas = await HealthQuery.ReadAsync(connection, Query,
            r => (Name: r.GetString(0), Address: r.GetString(1), State: r.GetString(2), Bytes: r.NullableDouble(3), Seconds: r.NullableDouble(4)),
            cancellationToken).ConfigureAwait(false);
        if (replicas.Count == 0)
        {
            findings.Add(new(HealthSeverity.Ok, CheckName, "primary", "No replica is connected to this server."));
            return;
        }

        foreach (var replica in replicas)
        {
            var bytes = replica.Bytes ?? 0;
            var seconds = replica.Seconds ?? 0;
            var severity = Grade.Worse(
                Grade.Of(bytes, thresholds.ReplicationLagWarningBytes, thresholds.ReplicationLagCriticalBytes),
                Grade.Of(seconds, thresholds.ReplicationLagWarningSeconds, thresholds.ReplicationLagCriticalSeconds));
            if (replica.State != "streaming" || replica.Bytes is null)
            {
                severity = Grade.Worse(severity, HealthSeverity.Warning);
            }

            var lag = replica.Bytes is null
                ? "has not reported a replay position yet"
                : string.Create(CultureInfo.InvariantCulture, $"replays {ByteSize.Format((long)bytes)} ({seconds:0.###} s) behind the primary");
            findings.Add(new(severity, CheckName, $"{replica.Name} ({replica.Address})", $"Replica {lag}; state {replica.State}.")
            {
                Value = bytes,
            });
        }
    }

    internal static async Task<bool> IsStandbyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_is_in_recovery()", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
