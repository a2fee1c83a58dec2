using System.Text.Json;
using Prometheus;
using StackGres.Ops.Jobs.Operations.HealthCheck;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>
/// Exports the findings of each cluster's latest succeeded <c>health-check</c> run as
/// <c>stackgres_ops_health_finding{cluster,check,object,database,severity}</c>: 0 ok, 1 warning, 2 critical.
/// A new result replaces the cluster's series, so a cleared problem disappears from the metrics.
/// </summary>
public sealed class HealthFindingMetrics
{
    private static readonly Gauge Findings = Metrics.CreateGauge(
        "stackgres_ops_health_finding",
        "Findings of the cluster's latest succeeded health-check run: 0 ok, 1 warning, 2 critical.",
        "cluster", "check", "object", "database", "severity");

    private static readonly Dictionary<string, List<string[]>> Exported = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Replaces the cluster's series with the findings of a health-check result (the run's result JSON).</summary>
    public void Record(string cluster, JsonElement result)
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
            if (Exported.TryGetValue(cluster, out var previous))
            {
                foreach (var labels in previous)
                {
                    Findings.RemoveLabelled(labels);
                }
            }

            foreach (var (labels, severity) in series)
            {
                Findings.WithLabels(labels).Set((int)severity);
            }

            Exported[cluster] = series.Select(s => s.Labels).ToList();
        }
    }

    private static string Text(JsonElement finding, string property) =>
        finding.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
}
