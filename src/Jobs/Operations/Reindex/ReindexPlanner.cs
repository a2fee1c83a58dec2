using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>
/// Chooses the indexes of one database to rebuild: the named ones (or those of the named tables, or of
/// the schemas), kept by target: invalid, bloated over the thresholds, or all. Invalid ones come first,
/// then the most space to win.
/// </summary>
internal sealed class ReindexPlanner(ReindexParameters parameters)
{
    /// <summary>Oids of the named indexes, or null when none are named; a name that does not resolve fails the run.</summary>
    public Task<uint[]?> ResolveIndexesAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        ResolveAsync(connection, database, parameters.Indexes, TableResolver.ResolveIndexAsync, cancellationToken);

    /// <summary>Oids of the named tables, or null when none are named.</summary>
    public Task<uint[]?> ResolveTablesAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken) =>
        ResolveAsync(connection, database, parameters.Tables, TableResolver.ResolveAsync, cancellationToken);

    /// <summary>The indexes considered (left-overs of interrupted rebuilds excluded) and those chosen, in order.</summary>
    public async Task<(int Considered, IReadOnlyList<PlannedIndex> Chosen)> PlanAsync(NpgsqlConnection connection, string database,
        uint[]? indexOids, uint[]? tableOids, IReadOnlySet<uint> leftovers, CancellationToken cancellationToken)
    {
        var stats = await IndexStatsReader.ReadAsync(connection, indexOids, parameters.Schemas, tableOids, cancellationToken).ConfigureAwait(false);
        var considered = 0;
        var chosen = new List<PlannedIndex>();
        foreach (var index in stats.Where(s => !leftovers.Contains(s.Oid)))
        {
            considered++;
            var bloat = IndexBloat.EstimateRatio(index);
            var reasons = Reasons(index, bloat);
            if (reasons.Count > 0)
            {
                chosen.Add(new PlannedIndex(database, index, reasons, bloat));
            }
        }

        return (considered, chosen.OrderBy(c => c.Index.IsValid).ThenByDescending(c => (c.EstimatedBloatRatio ?? 0) * c.Index.SizeBytes).ToArray());
    }

    private List<string> Reasons(IndexStats index, double? bloat)
    {
        var reasons = new List<string>(2);
        var target = parameters.Target;
        if (target == ReindexTarget.All)
        {
            reasons.Add(parameters.Indexes.Count > 0 ? "chosen by name" : "target all");
        }

        if (!index.IsValid && target is ReindexTarget.All or ReindexTarget.Needed or ReindexTarget.Invalid)
        {
            reasons.Add("invalid (indisvalid = false)");
        }

        if (bloat is { } ratio && ratio >= parameters.MinBloatRatio && ratio > 0 && index.SizeBytes >= parameters.MinSizeBytes
            && target is ReindexTarget.All or ReindexTarget.Needed or ReindexTarget.Bloated)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"estimated bloat {ratio * 100:0}% of {ByteSize.Format(index.SizeBytes)} ≥ minBloatRatio {parameters.MinBloatRatio * 100:0}%"));
        }

        return reasons;
    }

    private static async Task<uint[]?> ResolveAsync(NpgsqlConnection connection, string database, IReadOnlyList<string> names,
        Func<NpgsqlConnection, string, CancellationToken, Task<TableRef?>> resolve, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return null;
        }

        var oids = new List<uint>(names.Count);
        foreach (var name in names)
        {
            oids.Add((await resolve(connection, name, cancellationToken).ConfigureAwait(false)
                      ?? throw new OperationFailedException($"'{name}' does not exist in database '{database}'.")).Oid);
        }

        return oids.Distinct().ToArray();
    }
}
