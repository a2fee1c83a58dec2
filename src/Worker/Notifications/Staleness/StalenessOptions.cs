namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>
/// How old the latest successful run of an operation on a cluster may be: <c>Ops:Notifications:Staleness:*</c>.
/// A bound of zero turns the check off.
/// </summary>
public sealed class StalenessOptions
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultBounds = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["backup"] = TimeSpan.FromHours(26),
        ["restore-test"] = TimeSpan.FromDays(8),
    };

    /// <summary>How often the run history is checked (and the metrics drawn from it refreshed).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Bounds by operation, for every cluster; they add to (or replace) <see cref="DefaultBounds"/>.</summary>
    public Dictionary<string, TimeSpan> Bounds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bounds for the clusters whose labels match; the first rule that matches and names the operation wins.</summary>
    public List<StalenessRule> Rules { get; set; } = [];
}
