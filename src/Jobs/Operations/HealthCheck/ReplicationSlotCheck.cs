using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// WAL each replication slot holds back (current LSN minus restart_lsn, from pg_replication_slots); a slot whose
/// WAL is 'lost' is critical, 'unreserved' at least a warning.
/// </summary>
public sealed class ReplicationSlotCheck : IHealthCheck
{
    public const string CheckName = "replication-slot";

    private const string Query =
        """
        SELECT s.slot_name, s.slot_type, s.active, coalesce(s.wal_status, 'unknown'),
               pg_catalog.pg_wal_lsn_diff(
                   CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_receive_lsn()
                        ELSE pg_catalog.pg_current_wal_lsn() END,
                   s.restart_lsn)::float8
        FROM pg_catalog.pg_replication_slots s
        ORDER BY s.slot_name
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var slots = await HealthQuery.ReadAsync(connection, Query,
            r => (Name: r.GetString(0), Type: r.GetString(1), Active: r.GetBoolean(2), WalStatus: r.GetString(3), Bytes: r.NullableDouble(4)),
            cancellationToken).ConfigureAwait(false);
        if (slots.Count == 0)
        {
            findings.Add(new(HealthSeverity.Ok, CheckName, "server", "No replication slot."));
            return;
        }

        foreach (var slot in slots)
        {
            var bytes = slot.Bytes ?? 0;
            var severity = Grade.Of(bytes, thresholds.SlotRetentionWarningBytes, thresholds.SlotRetentionCriticalBytes);
            severity = slot.WalStatus switch
            {
                "lost" => HealthSeverity.Critical,
                "unreserved" => Grade.Worse(severity, HealthSeverity.Warning),
                _ => severity,
            };
            var activity = slot.Active ? "active" : "inactive";
            findings.Add(new(severity, CheckName, slot.Name,
                $"{activity} {slot.Type} slot holds back {ByteSize.Format((long)bytes)} of WAL; wal_status {slot.WalStatus}.")
            {
                Value = bytes,
            });
        }
    }
}
