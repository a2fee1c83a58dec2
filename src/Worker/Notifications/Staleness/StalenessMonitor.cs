using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Diagnostics;
using StackGres.Ops.Worker.Hosting;

namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>
/// Every <see cref="StalenessOptions.CheckInterval"/>, on every replica: reads the latest outcome of every operation on every
/// cluster, refreshes the metrics drawn from it (and the latest health-check findings), and starts or ends the staleness episode of each watched pair (an operation
/// with a bound on a cluster). A pair is stale when its latest success (or, without one, the moment the worker began
/// watching it) is older than its bound.
/// </summary>
public sealed class StalenessMonitor(
    LatestOutcomeReader outcomes,
    StalenessStore store,
    StalenessBounds bounds,
    RunHistoryMetrics metrics,
    HealthFindingMetrics healthFindings,
    ClusterInventory inventory,
    OperationCatalog catalog,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<StalenessMonitor> logger) : PeriodicService(clock)
{
    protected override TimeSpan Interval => options.Value.Staleness.CheckInterval;

    protected override bool PassAtStart => true;

    protected override Task PassAsync(CancellationToken stoppingToken) => CheckAsync(stoppingToken);

    protected override void PassFailed(Exception exception) => Log.StalenessCheckFailed(logger, exception);

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var clusters = inventory.Names.ToArray();
        var latest = (await outcomes.ReadAsync(clusters, catalog.Names, cancellationToken)).ToDictionary(o => (o.Cluster, o.Operation));
        metrics.Outcomes(latest.Values);
        foreach (var (cluster, finishedAt, result) in await outcomes.LatestHealthChecksAsync(
                     clusters.Select(c => (c, healthFindings.RecordedUntil(c))).ToArray(), cancellationToken))
        {
            healthFindings.Record(cluster, finishedAt, result);
        }

        var watched = clusters.SelectMany(cluster => bounds.For(cluster).Select(b => (Cluster: cluster, Operation: b.Key, Bound: b.Value))).ToArray();
        var now = Clock.GetUtcNow();
        var states = await store.WatchAsync(watched.Select(w => (w.Cluster, w.Operation)).ToArray(), now, cancellationToken);
        var staleCount = 0;
        foreach (var (cluster, operation, bound) in watched)
        {
            if (!states.TryGetValue((cluster, operation), out var state))
            {
                // Another replica began watching it in the same instant: the next check sees it.
                continue;
            }

            var lastSuccess = latest.TryGetValue((cluster, operation), out var outcome) ? outcome.LastSuccessAt : null;
            var stale = now - (lastSuccess ?? state.WatchedSince) > bound;
            metrics.Staleness(cluster, operation, bound, stale);
            staleCount += stale ? 1 : 0;
            if (stale && state.StaleSince is null &&
                await store.StartEpisodeAsync(cluster, operation, now,
                    StalenessEvents.Stale(cluster, operation, bound, lastSuccess, state.WatchedSince, now), cancellationToken))
            {
                Log.OperationStale(logger, operation, cluster, bound, lastSuccess?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never");
            }
            else if (!stale && state.StaleSince is { } since && lastSuccess is { } last &&
                     await store.EndEpisodeAsync(cluster, operation, since, StalenessEvents.Recovered(cluster, operation, bound, last, since, now), cancellationToken))
            {
                Log.OperationRecovered(logger, operation, cluster, last);
            }
        }

        Log.StalenessChecked(logger, watched.Length, staleCount);
    }
}
