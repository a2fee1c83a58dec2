namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// Limits on heavy runs across the whole fleet, shared by every worker replica: <c>Ops:Fleet:*</c>.
/// One heavy run per cluster at a time always holds; these add limits over many clusters.
/// </summary>
public sealed class FleetOptions
{
    public const string SectionName = "Ops:Fleet";

    /// <summary>Heavy runs at once over every cluster; none by default.</summary>
    public int? MaxConcurrentHeavyRuns { get; set; }

    /// <summary>
    /// Heavy runs at once over the clusters sharing one value of a label, e.g. <c>zone: 2</c>: at most two
    /// heavy runs in each zone. A cluster without the label is not limited by it.
    /// </summary>
    public Dictionary<string, int> MaxConcurrentHeavyRunsPerLabel { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often each worker admits waiting heavy runs (a run that ends admits the next one at once as well).</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When a waiting run looks again by itself if nothing woke it (a safety net: admitted runs are woken at once):
    /// after as long as it has waited already, at least this and at most ten times this (<see cref="WakeFallbackAfter"/>).
    /// </summary>
    public TimeSpan WakeFallback { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The fallback of a run that has waited <paramref name="waited"/>: each look-again is a Hangfire job, so a run
    /// that waits long looks again less often (1, 1, 2, 4, 8, 10, 10... minutes by default) and a line of a thousand
    /// runs does not fill the dashboard with a thousand jobs a minute.
    /// </summary>
    public TimeSpan WakeFallbackAfter(TimeSpan waited) =>
        waited < WakeFallback ? WakeFallback : waited > WakeFallback * 10 ? WakeFallback * 10 : waited;

    /// <summary>How long an admitted run keeps its place before it starts; after that its place goes back to the line.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
