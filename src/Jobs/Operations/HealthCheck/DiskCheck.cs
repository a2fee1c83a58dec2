using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Disk use: the databases together (pg_database_size) and pg_wal (sum of pg_ls_waldir), the latter graded as a
/// multiple of max_wal_size (WAL far beyond it means a slot, a failing archive or a lagging replica holds it back).
/// </summary>
public sealed class DiskCheck : IHealthCheck
{
    public const string DataCheck = "disk-data";
    public const string WalCheck = "disk-wal";

    private const string Query =
        """
        SELECT (SELECT sum(pg_catalog.pg_database_size(d.oid)) FROM pg_catalog.pg_database d)::float8,
               (SELECT coalesce(sum(w.size), 0) FROM pg_catalog.pg_ls_waldir() w)::float8,
               pg_catalog.pg_size_bytes(pg_catalog.current_setting('max_wal_size'))::float8
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var (data, wal, maxWal) = (await HealthQuery.ReadAsync(connection, Query, r => (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2)),
            cancellationToken).ConfigureAwait(false))[0];
        findings.Add(new(HealthSeverity.Ok, DataCheck, "databases", $"The databases use {ByteSize.Format((long)data)} together.") { Value = data });

        var factor = wal / Math.Max(1, maxWal);
        findings.Add(new(Grade.Of(factor, thresholds.WalWarningFactor, thresholds.WalCriticalFactor), WalCheck, "pg_wal",
            string.Create(CultureInfo.InvariantCulture,
                $"pg_wal holds {ByteSize.Format((long)wal)}, {factor:0.##} × max_wal_size ({ByteSize.Format((long)maxWal)})."))
        {
            Value = wal,
        });
    }
}
