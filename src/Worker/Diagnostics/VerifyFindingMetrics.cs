using System.Text.Json;
using Prometheus;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>
/// Exports what <c>verify</c> runs found as <c>stackgres_ops_verify_problems{cluster,database,relation,check}</c>: the number
/// of problems amcheck reported in the relation, one series per corrupt relation. Each relation a run checked (status
/// <c>done</c>) sets or clears its own series, so a repaired relation disappears at its next check and a run of one table
/// leaves the others' series alone.
/// </summary>
public sealed class VerifyFindingMetrics
{
    private static readonly Gauge Problems = Metrics.CreateGauge(
        "stackgres_ops_verify_problems",
        "Problems amcheck reported in the relation at the latest verify run that checked it (only relations with problems).",
        "cluster", "database", "relation", "check");

    private static readonly Lock Gate = new();

    /// <summary>Creates the gauge with the worker's first service that records runs, so /metrics names it before any verify ran.</summary>
    public VerifyFindingMetrics() => GC.KeepAlive(Problems);

    /// <summary>Applies a verify result (the run's result JSON, also of a failed or cancelled run: its relations were checked).</summary>
    public void Record(string cluster, JsonElement result)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("relations", out var relations) || relations.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        lock (Gate)
        {
            foreach (var relation in relations.EnumerateArray().Where(r => Text(r, "status") == "done"))
            {
                string[] labels = [cluster, Text(relation, "database"), $"{Text(relation, "schema")}.{Text(relation, "relation")}", Text(relation, "check")];
                var problems = relation.TryGetProperty("problems", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 0;
                if (problems > 0)
                {
                    Problems.WithLabels(labels).Set(problems);
                }
                else
                {
                    Problems.RemoveLabelled(labels);
                }
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
}
