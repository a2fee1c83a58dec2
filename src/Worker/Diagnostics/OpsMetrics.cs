using Prometheus;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>The worker's Prometheus metrics, served at <c>/metrics</c>.</summary>
public sealed class OpsMetrics
{
    private static readonly Counter RunsStarted = Metrics.CreateCounter(
        "stackgres_ops_runs_started_total", "Runs that started executing.", "operation", "cluster");

    private static readonly Counter RunsEnded = Metrics.CreateCounter(
        "stackgres_ops_runs_ended_total", "Runs that ended, by outcome (succeeded, failed, cancelled, skipped).", "operation", "cluster", "outcome");

    private static readonly Histogram RunDuration = Metrics.CreateHistogram(
        "stackgres_ops_run_duration_seconds", "How long runs took, from start to end.",
        new HistogramConfiguration
        {
            LabelNames = ["operation", "cluster"],
            Buckets = Histogram.ExponentialBuckets(0.1, 3, 12),
        });

    private static readonly Gauge RunsRunning = Metrics.CreateGauge(
        "stackgres_ops_runs_running", "Runs executing now on this worker.", "operation");

    private static readonly Gauge SecondsToNextWindow = Metrics.CreateGauge(
        "stackgres_ops_seconds_to_next_window", "Seconds until the next maintenance window of the cluster opens.", "cluster");

    private static readonly Gauge HeavyRuns = Metrics.CreateGauge(
        "stackgres_ops_heavy_runs", "Heavy runs in the fleet's line, shared by every replica: running (started under a place) or waiting.", "state");

    public OpsMetrics(WindowCatalog windows, ClusterInventory inventory, TimeProvider clock)
    {
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var now = clock.GetUtcNow();
            foreach (var cluster in inventory.Names)
            {
                if (windows.NextOpenings(cluster, now, 1) is [var next])
                {
                    SecondsToNextWindow.WithLabels(cluster).Set((next.OpensAt - now).TotalSeconds);
                }
            }
        });
    }

    public void Started(string operation, string cluster)
    {
        RunsStarted.WithLabels(operation, cluster).Inc();
        RunsRunning.WithLabels(operation).Inc();
    }

    public void Ended(string operation, string cluster, RunStatus outcome, TimeSpan? duration, bool wasRunning)
    {
        RunsEnded.WithLabels(operation, cluster, outcome.ToWireName()).Inc();
        if (wasRunning)
        {
            RunsRunning.WithLabels(operation).Dec();
        }

        if (duration is { } elapsed)
        {
            RunDuration.WithLabels(operation, cluster).Observe(elapsed.TotalSeconds);
        }
    }

    /// <summary>The line of heavy runs as the latest dispatch saw it.</summary>
    public void HeavyRunLine(int running, int waiting)
    {
        HeavyRuns.WithLabels("running").Set(running);
        HeavyRuns.WithLabels("waiting").Set(waiting);
    }
}
