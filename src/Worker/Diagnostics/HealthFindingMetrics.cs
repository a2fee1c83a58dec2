using System.Text.Json;
using Prometheus;
using StackGres.Ops.Jobs.Operations.HealthCheck;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>
/// Exports the findings of each cluster's latest succeeded <c>health-check</c> run as
/// <c>stackgres_ops_health_finding{cluster,check,object,database,severity}</c>: 0 ok, 1 warning, 2 critical.
/// A new result replaces the cluster's series, so a cleared problem disappears from the metrics; and as
/// <c>stackgres_ops_health_findings{cluster,check,severity}</c>, how many findings of each check at each severity.
/// Results come from the worker's own runs and, at every check of the run history, from the history itself,
/// so every replica serves them, also after a restart.
/// </summary>
public sealed class HealthFindingMetrics
{
    private static readonly Gauge Findings = Metrics.CreateGauge(
        "stackgres_ops_health_finding",
        "Findings of the cluster's latest succeeded health-check run: 0 ok, 1 warning, 2 critical.",
        "cluster", "check", "object", "database", "severity");

    private static readonly Gauge Counts = Metrics.CreateGauge(
        "stackgres_ops_health_findings",
        "How many findings of each check at each severity the cluster's latest succeeded health-check run reported.",
        "cluster", "check", "severity");

    private static readonly Dictionary<string, List<string[]>> Exported = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, List<string[]>> ExportedCounts = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private readonly Dictionary<string, DateTimeOffset> recordedUntil = new(StringComparer.Ordinal);

    /// <summary>
    /// Replaces the cluster's series with the findings of a health-check result (the run's result JSON), unless this
    /// worker already recorded a run that finished at <paramref name="finishedAt"/> or later.
    /// </summary>
    public void Record(string cluster, DateTimeOffset finishedAt, JsonElement result)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var series = new List<(string[] Labels, HealthSeverity Severity)>();
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("findings", out var findings) &&
            findings.ValueKind == JsonValueKind.Array)
        {
            foreach (var finding in findings.EnumerateArray())
            {
                var severity = Enum.TryParse<HealthSeverity>(Text(finding, "severity"), ignoreCase: true, out var parsed) ? parsed : HealthSeverity.Warning;
                series.Add(([cluster, Text(finding, "check"), Text(finding, "object"), Text(finding, "database"), Text(finding, "severity")], severity));
            }
        }

        lock (Gate)
        {
            if (recordedUntil.TryGetValue(cluster, out var recorded) && recorded >= finishedAt)
            {
                return;
            }

            recordedUntil[cluster] = finishedAt;
            Replace(Findings, Exported, cluster, series.Select(s => (s.Labels, (double)(int)s.Severity)));
            Replace(Counts, ExportedCounts, cluster, series
                .GroupBy(s => (Check: s.Labels[1], Severity: s.Labels[4]))
                .Select(g => (new[] { cluster, g.Key.Check, g.Key.Severity }, (double)g.Count())));
        }
    }

    /// <summary>When the latest health-check run recorded for the cluster finished; null when none was.</summary>
    public DateTimeOffset? RecordedUntil(string cluster)
    {
        lock (Gate)
        {
            return recordedUntil.TryGetValue(cluster, out var until) ? until : null;
        }
    }

    /// <summary>Replaces the cluster's series of <paramref name="gauge"/> with <paramref name="series"/>; under <see cref="Gate"/>.</summary>
    private static void Replace(Gauge gauge, Dictionary<string, List<string[]>> exported, string cluster, IEnumerable<(string[] Labels, double Value)> series)
    {
        if (exported.TryGetValue(cluster, out var previous))
        {
            foreach (var labels in previous)
            {
                gauge.RemoveLabelled(labels);
            }
        }

        var now = new List<string[]>();
        foreach (var (labels, value) in series)
        {
            gauge.WithLabels(labels).Set(value);
            now.Add(labels);
        }

        exported[cluster] = now;
    }

    private static string Text(JsonElement finding, string property) =>
        finding.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
}
