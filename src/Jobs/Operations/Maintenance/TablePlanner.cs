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
        var oids = await ResolveAsync(connection, database, scope.Tables, cancellationToken).ConfigureAwait(false);
        var stats = await TableStatsReader.ReadAsync(connection, oids, scope.Schemas, cancellationToken, totalSizes: !scope.OnlyNeeded)
            .ConfigureAwait(false);
        if (kind == NeedKind.Repack)
        {
            // pg_repack cannot rebuild system catalogs (and stops altogether when asked to).
            stats = stats.Where(t => t.Schema is not ("pg_catalog" or "information_schema")).ToArray();
        }

        var chosen = new List<PlannedTable>(stats.Count);
        foreach (var listed in stats)
        {
            var table = listed;
            var need = NeedEvaluator.Assess(table, scope.Thresholds, kind);
            if (scope.OnlyNeeded && kind != NeedKind.Vacuum && need.EstimatedBloatRatio >= scope.Thresholds.MinBloatRatio && CatalogMeasure.Applies(table))
            {
                table = await CatalogMeasure.MeasureAsync(connection, table, cancellationToken).ConfigureAwait(false);
                need = NeedEvaluator.Assess(table, scope.Thresholds, kind);
            }

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

        if (scope.OnlyNeeded && chosen.Count > 0)
        {
            chosen = await WithTotalSizesAsync(connection, chosen, scope.Thresholds, kind, cancellationToken).ConfigureAwait(false);
        }

        var ordered = NeedEvaluator.InPriorityOrder(chosen, p => p.Stats, p => p.Need).ToArray();
        return new TablePlan(database, stats.Count, ordered);
    }

    /// <summary>The oids of the named tables, or null when none are named (every table of the schemas in scope).</summary>
    public static async Task<uint[]?> ResolveAsync(NpgsqlConnection connection, string database, IReadOnlyList<string> tables,
        CancellationToken cancellationToken)
    {
        if (tables.Count == 0)
        {
            return null;
        }

        var resolved = new List<uint>(tables.Count);
        foreach (var name in tables)
        {
            // Checked before the run was queued; a table dropped since then is an error worth failing on.
            var table = await TableResolver.ResolveAsync(connection, name, cancellationToken).ConfigureAwait(false)
                        ?? throw new OperationFailedException($"Table '{name}' does not exist in database '{database}'.");
            resolved.Add(table.Oid);
        }

        return resolved.Distinct().ToArray();
    }

    /// <summary>The chosen tables with their total sizes (indexes and TOAST), which the reclaimable estimate and the results use.</summary>
    private static async Task<List<PlannedTable>> WithTotalSizesAsync(NpgsqlConnection connection, List<PlannedTable> chosen,
        NeedThresholds thresholds, NeedKind kind, CancellationToken cancellationToken)
    {
        var sizes = await TableStatsReader.ReadSizesAsync(connection, chosen.Select(p => p.Stats.Oid).ToArray(), cancellationToken).ConfigureAwait(false);
        return chosen.ConvertAll(planned =>
        {
            var stats = sizes.TryGetValue(planned.Stats.Oid, out var size) ? planned.Stats with { TotalBytes = size.TotalBytes } : planned.Stats;
            var need = NeedEvaluator.Assess(stats, thresholds, kind);
            return planned with { Stats = stats, Need = need, Reasons = need.Reasons };
        });
    }
}
