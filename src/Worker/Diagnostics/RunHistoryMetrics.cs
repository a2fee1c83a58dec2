using Prometheus;

namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>
/// What the run history says about each cluster and operation, refreshed at every staleness check
/// (<c>Ops:Notifications:Staleness:CheckInterval</c>) from the worker's database, so every replica serves the same series.
/// </summary>
public sealed class RunHistoryMetrics
{
    private static readonly string[] Labels = ["cluster", "operation"];

    private static readonly Gauge LastSuccess = Metrics.CreateGauge(
        "stackgres_ops_last_success_timestamp_seconds", "When the latest successful run (not a dry run) of the operation on the cluster ended, in unix seconds.", Labels);

    private static readonly Gauge LastRunFailed = Metrics.CreateGauge(
        "stackgres_ops_last_run_failed", "1 when the latest run (not a dry run) of the operation on the cluster that succeeded or failed, failed; else 0.", Labels);

    private static readonly Gauge StalenessBound = Metrics.CreateGauge(
        "stackgres_ops_staleness_bound_seconds", "How old the latest successful run of the operation on the cluster may be (Ops:Notifications:Staleness).", Labels);

    private static readonly Gauge Stale = Metrics.CreateGauge(
        "stackgres_ops_stale", "1 while no run of the operation on the cluster has succeeded within its bound (a staleness episode); else 0.", Labels);

    public void Outcomes(IEnumerable<LatestOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.LastSuccessAt is { } at)
            {
                LastSuccess.WithLabels(outcome.Cluster, outcome.Operation).Set(at.ToUnixTimeMilliseconds() / 1000.0);
            }

            LastRunFailed.WithLabels(outcome.Cluster, outcome.Operation).Set(outcome.LastFailed ? 1 : 0);
        }
    }

    public void Staleness(string cluster, string operation, TimeSpan bound, bool stale)
    {
        StalenessBound.WithLabels(cluster, operation).Set(bound.TotalSeconds);
        Stale.WithLabels(cluster, operation).Set(stale ? 1 : 0);
    }
}
