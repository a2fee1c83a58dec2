using Npgsql;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Chooses the tables of one database for a vacuum or repack: the named tables (resolved with
/// to_regclass), or every table of the chosen schemas; with target "needed", only those over the
/// thresholds. Wraparound risks come first, then the most space to win.
/// </summary>
public static class TablePlanner
{
    public static async Task<TablePlan> PlanAsync(NpgsqlConnection connection, string database, TableScope scope,
        NeedKind kind, CancellationToken cancellationToken)
    {
        uint[]? oids = null;
        if (scope.Tables.Count > 0)
        {
            var resolved = new List<uint>(scope.Tables.Count);
            foreach (var name in scope.Tables)
            {
                // Checked before the run was queued; a table dropped since then is an error worth failing on.
                var table = await TableResolver.ResolveAsync(connection, name, cancellationToken).ConfigureAwait(false)
                            ?? throw new OperationFailedException($"Table '{name}' does not exist in database '{database}'.");
                resolved.Add(table.Oid);
            }

            oids = resolved.Distinct().ToArray();
        }

        var stats = await TableStatsReader.ReadAsync(connection, oids, scope.Schemas, cancellationToken).ConfigureAwait(false);
        if (kind == NeedKind.Repack)
        {
            // pg_repack cannot rebuild system catalogs (and stops altogether when asked to).
            stats = stats.Where(t => t.Schema is not ("pg_catalog" or "information_schema")).ToArray();
        }

        var chosen = new List<PlannedTable>(stats.Count);
        foreach (var table in stats)
        {
            var need = NeedEvaluator.Assess(table, scope.Thresholds, kind);
            if (!scope.OnlyNeeded)
            {
                IReadOnlyList<string> reasons = [oids is null ? "target all" : "chosen by name", .. need.Reasons];
                chosen.Add(new PlannedTable(database, table, need, reasons));
            }
            else if (need.Needed)
            {
                chosen.Add(new PlannedTable(database, table, need, need.Reasons));
            }
        }

        var ordered = NeedEvaluator.InPriorityOrder(chosen, p => p.Stats, p => p.Need).ToArray();
        return new TablePlan(database, stats.Count, ordered);
    }
}
