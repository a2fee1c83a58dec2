using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>One execution of <c>health-check</c>: the server-wide checks, then the per-database ones.</summary>
public sealed class HealthCheckRun(HealthThresholds thresholds, IReadOnlyList<string> databases, OperationContext context)
{
    private static readonly (string Name, IHealthCheck Check)[] ServerChecks =
    [
        (ReplicationLagCheck.CheckName, new ReplicationLagCheck()),
        (ReplicationSlotCheck.CheckName, new ReplicationSlotCheck()),
        (WraparoundCheck.CheckName, new WraparoundCheck()),
        ("sessions", new SessionCheck()),
        (ConnectionCheck.CheckName, new ConnectionCheck()),
        ("disk", new DiskCheck()),
    ];

    public async Task<HealthCheckResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var findings = new List<HealthFinding>();
        if (context.Connector.Cluster.Instances.Count > 0)
        {
            context.Events.Progress(new RunProgress { Phase = "server", Relation = InstancesCheck.CheckName, Done = 0, Total = ServerChecks.Length + 1 });
            await InstancesCheck.RunAsync(context.Connector, findings, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> targets;
        await using (var connection = await context.Connector.OpenAsync(null, cancellationToken).ConfigureAwait(false))
        {
            var done = 0;
            foreach (var (name, check) in ServerChecks)
            {
                context.Events.Progress(new RunProgress { Phase = "server", Relation = name, Done = done++, Total = ServerChecks.Length });
                try
                {
                    await check.RunAsync(connection, thresholds, findings, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e) when (!connection.State.HasFlag(System.Data.ConnectionState.Broken))
                {
                    findings.Add(CouldNotRun(name, "server", e));
                }
            }

            targets = databases.Count > 0 ? databases : await HealthQuery.ReadAsync(connection,
                "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname",
                r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < targets.Count; i++)
        {
            var database = targets[i];
            context.Events.Progress(new RunProgress { Phase = "databases", Database = database, Done = i, Total = targets.Count });
            try
            {
                await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
                await RelationCheck.RunAsync(connection, database, thresholds, findings, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                findings.Add(CouldNotRun("relations", database, e) with { Database = database });
            }
        }

        var ordered = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Check, StringComparer.Ordinal)
            .ThenBy(f => f.Database, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal).ToArray();
        var result = new HealthCheckResult(ordered);
        context.Events.Log(LogLevel.Information,
            $"health-check: {result.Critical} critical, {result.Warnings} warning, {result.Ok} ok finding(s).");
        return result;
    }

    private static HealthFinding CouldNotRun(string check, string target, PostgresException e) =>
        new(HealthSeverity.Warning, check, target, $"The check could not run: {e.SqlState} {e.MessageText}");
}
