using System.Globalization;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Transaction-id age of each database (age(datfrozenxid)): a warning from autovacuum_freeze_max_age (or the
/// xidAgeWarning parameter), critical from xidAgeCritical.
/// </summary>
public sealed class WraparoundCheck : IHealthCheck
{
    public const string CheckName = "xid-wraparound";

    private const string Query =
        """
        SELECT d.datname, pg_catalog.age(d.datfrozenxid)::int8, pg_catalog.current_setting('autovacuum_freeze_max_age')::int8
        FROM pg_catalog.pg_database d
        ORDER BY 2 DESC, 1
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var databases = await HealthQuery.ReadAsync(connection, Query, r => (Name: r.GetString(0), Age: r.GetInt64(1), FreezeMaxAge: r.GetInt64(2)),
            cancellationToken).ConfigureAwait(false);
        foreach (var database in databases)
        {
            var warning = thresholds.XidAgeWarning ?? database.FreezeMaxAge;
            var severity = Grade.Of(database.Age, warning, thresholds.XidAgeCritical);
            var message = string.Create(CultureInfo.InvariantCulture,
                $"age(datfrozenxid) {database.Age:N0}; warning from {warning:N0}, critical from {thresholds.XidAgeCritical:N0} " +
                $"(autovacuum_freeze_max_age {database.FreezeMaxAge:N0}).");
            findings.Add(new(severity, CheckName, database.Name, message) { Database = database.Name, Value = database.Age });
        }
    }
}
