using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>After pg_repack (finished, failed or interrupted): no backend of it keeps working, and no debris stays.</summary>
internal sealed partial class RepackRun
{
    private static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BackendsGoneWait = TimeSpan.FromSeconds(10);

    private async Task CleanUpAsync(string database, IReadOnlyList<PlannedTable> tables)
    {
        // Runs after a cancellation too, so it has its own time budget instead of the run's token.
        using var budget = new CancellationTokenSource(CleanupBudget);
        await using var connection = await context.Connector.OpenAsync(database, budget.Token).ConfigureAwait(false);
        await new SessionLimits("10s", "0").ApplyAsync(connection, budget.Token).ConfigureAwait(false);
        await StopLeftoverBackendsAsync(connection, budget.Token).ConfigureAwait(false);

        var names = tables.ToDictionary(t => t.Stats.Oid, t => $"{database}.{t.Stats.Display}");
        foreach (var oid in await RepackDebris.FindAsync(connection, names.Keys, budget.Token).ConfigureAwait(false))
        {
            try
            {
                await RepackDebris.CleanAsync(connection, oid, budget.Token).ConfigureAwait(false);
                _debrisCleaned.Enqueue(names[oid]);
                context.Events.Log(LogLevel.Information, $"cleaned the pg_repack trigger and temporary objects left on {names[oid]}");
            }
            catch (PostgresException e)
            {
                context.Events.Log(LogLevel.Error, $"could not clean the pg_repack debris on {names[oid]}: {e.MessageText}");
            }
        }

        var remaining = await RepackDebris.FindAsync(connection, names.Keys, budget.Token).ConfigureAwait(false);
        if (remaining.Count > 0)
        {
            context.Events.Log(LogLevel.Error,
                $"pg_repack debris remains on {string.Join(", ", remaining.Select(o => names[o]))}: run SELECT repack.repack_drop(oid, 4) " +
                "for each once nothing holds the table, or, when no pg_repack runs in the database, DROP EXTENSION pg_repack CASCADE; " +
                "CREATE EXTENSION pg_repack (the pg_repack manual's cleanup)");
        }
    }

    /// <summary>Terminates the backends pg_repack left running (a killed client does not stop its server-side statement).</summary>
    private async Task StopLeftoverBackendsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string Leftovers =
            "FROM pg_catalog.pg_stat_activity WHERE application_name = $1 AND pid <> pg_catalog.pg_backend_pid() AND datname = current_database()";
        var applicationName = ApplicationNames.ForRun(context.RunId);
        await using (var terminate = new NpgsqlCommand($"SELECT count(*) FILTER (WHERE pg_catalog.pg_terminate_backend(pid)) {Leftovers}", connection))
        {
            terminate.Parameters.Add(new NpgsqlParameter<string> { TypedValue = applicationName });
            if (await terminate.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long and > 0)
            {
                context.Events.Log(LogLevel.Warning, "terminated the server sessions pg_repack left running");
            }
        }

        var deadline = DateTime.UtcNow + BackendsGoneWait;
        await using var count = new NpgsqlCommand($"SELECT count(*) {Leftovers}", connection);
        count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = applicationName });
        while (await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long and > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
