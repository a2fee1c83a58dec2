using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Reindex;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// Per database: estimated table bloat (<see cref="NeedEvaluator.EstimateBloatRatio"/>, as vacuum and repack
/// estimate it), estimated B-tree bloat (<see cref="IndexBloat.EstimateRatio"/>, as reindex does) and invalid
/// indexes (left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY).
/// </summary>
public static class RelationCheck
{
    public const string TableBloatCheck = "table-bloat";
    public const string IndexBloatCheck = "index-bloat";
    public const string InvalidIndexCheck = "invalid-index";

    public static async Task RunAsync(NpgsqlConnection connection, string database, HealthThresholds thresholds, List<HealthFinding> findings,
        CancellationToken cancellationToken)
    {
        var tables = await TableStatsReader.ReadAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
        var graded = tables.Where(t => t.HeapBytes >= thresholds.BloatMinSizeBytes)
            .Select(t => (t.Display, Bytes: t.HeapBytes, Ratio: NeedEvaluator.EstimateBloatRatio(t)));
        AddBloat(findings, TableBloatCheck, "table", database, graded, thresholds);

        var indexes = await IndexStatsReader.ReadAsync(connection, null, null, null, cancellationToken).ConfigureAwait(false);
        AddBloat(findings, IndexBloatCheck, "B-tree index", database,
            indexes.Where(i => i.IsValid && i.SizeBytes >= thresholds.BloatMinSizeBytes)
                .Select(i => (i.Display, Bytes: i.SizeBytes, Ratio: IndexBloat.EstimateRatio(i))),
            thresholds);

        var invalid = indexes.Where(i => !i.IsValid).ToArray();
        foreach (var index in invalid)
        {
            findings.Add(new(HealthSeverity.Warning, InvalidIndexCheck, index.Display,
                $"Index on {index.Table} is invalid: queries do not use it but writes still maintain it; drop it or REINDEX it.")
            {
                Database = database,
                Value = index.SizeBytes,
            });
        }

        if (invalid.Length == 0)
        {
            findings.Add(new(HealthSeverity.Ok, InvalidIndexCheck, database, "No invalid index.") { Database = database, Value = 0 });
        }
    }

    private static void AddBloat(List<HealthFinding> findings, string check, string kind, string database,
        IEnumerable<(string Display, long Bytes, double? Ratio)> relations, HealthThresholds thresholds)
    {
        var over = 0;
        var checkedCount = 0;
        foreach (var (display, bytes, ratio) in relations)
        {
            if (ratio is not { } value)
            {
                continue;
            }

            checkedCount++;
            var severity = Grade.Of(value, thresholds.BloatWarningRatio, thresholds.BloatCriticalRatio);
            if (severity == HealthSeverity.Ok)
            {
                continue;
            }

            over++;
            findings.Add(new(severity, check, display,
                string.Create(CultureInfo.InvariantCulture,
                    $"Estimated bloat {value * 100:0}% of a {ByteSize.Format(bytes)} {kind} (about {ByteSize.Format((long)(value * bytes))} to win back)."))
            {
                Database = database,
                Value = value,
            });
        }

        if (over == 0)
        {
            findings.Add(new(HealthSeverity.Ok, check, database,
                string.Create(CultureInfo.InvariantCulture,
                    $"No {kind} of {ByteSize.Format((long)thresholds.BloatMinSizeBytes)} or more with estimated bloat of {thresholds.BloatWarningRatio * 100:0}% or more ({checkedCount} estimated)."))
            {
                Database = database,
                Value = 0,
            });
        }
    }
}
