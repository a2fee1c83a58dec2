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
    /// When a waiting run looks again by itself if nothing woke it (a safety net: admitted runs are woken at once).
    /// </summary>
    public TimeSpan WakeFallback { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an admitted run keeps its place before it starts; after that its place goes back to the line.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
