namespace StackGres.Ops.Worker.Configuration;

/// <summary>A maintenance window as configured under <c>Ops:Windows:{name}</c>.</summary>
public sealed class WindowDefinition
{
    /// <summary>Standard 5-field cron (or 6 with seconds first) of the window's openings.</summary>
    public string Cron { get; set; } = string.Empty;

    /// <summary>How long the window stays open (more than zero, at most 24 hours).</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>IANA time zone of the cron expression ("Europe/Madrid"); UTC by default.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Spreads the clusters' starts over this long after each opening: each cluster starts at its own fixed offset
    /// (from a hash of the window's and the cluster's names, the same on every replica and after restarts), so that many
    /// clusters on one cron line do not all start in the same second. Zero: all start at the opening.
    /// </summary>
    public TimeSpan StartSpread { get; set; }

    /// <summary>Clusters the window applies to, by name.</summary>
    public List<string> Clusters { get; set; } = [];

    /// <summary>Clusters the window applies to, by labels (all must match).</summary>
    public Dictionary<string, string> ClusterSelector { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The operations to run, in order, each time the window opens.</summary>
    public List<WindowOperationDefinition> Operations { get; set; } = [];
}
