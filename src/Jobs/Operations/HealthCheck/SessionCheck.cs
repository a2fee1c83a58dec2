using System.Globalization;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Client sessions with a long-running transaction (now() - xact_start) and sessions idle in a transaction
/// (now() - state_change), from pg_stat_activity; this check's own session is left out. Query texts are not
/// reported (they may carry secrets).
/// </summary>
public sealed class SessionCheck : IHealthCheck
{
    public const string LongTransactionCheck = "long-transaction";
    public const string IdleInTransactionCheck = "idle-in-transaction";

    private const string Query =
        """
        SELECT a.pid, coalesce(a.usename, ''), coalesce(a.datname, ''), coalesce(a.application_name, ''), coalesce(a.state, ''),
               extract(epoch FROM pg_catalog.now() - a.xact_start)::float8,
               extract(epoch FROM pg_catalog.now() - a.state_change)::float8
        FROM pg_catalog.pg_stat_activity a
        WHERE a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid() AND a.xact_start IS NOT NULL
        ORDER BY a.xact_start
        """;

    public async Task RunAsync(NpgsqlConnection connection, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var sessions = await HealthQuery.ReadAsync(connection, Query,
            r => new Session(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.NullableDouble(5) ?? 0,
                r.NullableDouble(6) ?? 0),
            cancellationToken).ConfigureAwait(false);

        Report(findings, LongTransactionCheck, "transaction open for",
            sessions.Select(s => (s, s.TransactionSeconds)),
            thresholds.LongTransactionWarningSeconds, thresholds.LongTransactionCriticalSeconds);
        Report(findings, IdleInTransactionCheck, "idle in a transaction for",
            sessions.Where(s => s.State.StartsWith("idle in transaction", StringComparison.Ordinal)).Select(s => (s, s.StateSeconds)),
            thresholds.IdleInTransactionWarningSeconds, thresholds.IdleInTransactionCriticalSeconds);
    }

    private static void Report(List<HealthFinding> findings, string check, string what, IEnumerable<(Session Session, double Seconds)> measured,
        double warning, double critical)
    {
        var over = 0;
        var longest = 0.0;
        foreach (var (session, seconds) in measured)
        {
            longest = Math.Max(longest, seconds);
            var severity = Grade.Of(seconds, warning, critical);
            if (severity == HealthSeverity.Ok)
            {
                continue;
            }

            over++;
            findings.Add(new(severity, check, "pid " + session.Pid.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture,
                    $"Session of '{session.User}' on '{session.Database}' (application '{session.Application}') {what} {seconds:0} s; state {session.State}."))
            {
                Database = session.Database,
                Value = seconds,
            });
        }

        if (over == 0)
        {
            findings.Add(new(HealthSeverity.Ok, check, "sessions",
                string.Create(CultureInfo.InvariantCulture, $"No session {what} {warning:0} s or more (longest {longest:0.#} s)."))
            {
                Value = longest,
            });
        }
    }

    private sealed record Session(int Pid, string User, string Database, string Application, string State, double TransactionSeconds,
        double StateSeconds);
}
