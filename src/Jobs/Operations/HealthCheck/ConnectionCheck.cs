using System.Globalization;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>Client backends against max_connections - superuser_reserved_connections (what ordinary roles can use).</summary>
public sealed class ConnectionCheck : IHealthCheck
{
    public const string CheckName = "connections";

    private const string Query =
        """
        SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend')::int,
               pg_catalog.current_setting('max_connections')::int,
               pg_catalog.current_setting('superuser_reserved_connections')::int
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var (used, max, reserved) = (await HealthQuery.ReadAsync(connection, Query, r => (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)),
            cancellationToken).ConfigureAwait(false))[0];
        var available = Math.Max(1, max - reserved);
        var ratio = (double)used / available;
        findings.Add(new(Grade.Of(ratio, thresholds.ConnectionsWarningRatio, thresholds.ConnectionsCriticalRatio), CheckName, "server",
            string.Create(CultureInfo.InvariantCulture,
                $"{used} client connections of {available} available ({ratio * 100:0}%; max_connections {max}, superuser_reserved_connections {reserved})."))
        {
            Value = ratio,
        });
    }
}
