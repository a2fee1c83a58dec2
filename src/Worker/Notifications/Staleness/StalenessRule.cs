namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary><c>Ops:Notifications:Staleness:Rules:{i}</c>: bounds for the clusters with all of <see cref="ClusterSelector"/>'s labels.</summary>
public sealed class StalenessRule
{
    public Dictionary<string, string> ClusterSelector { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TimeSpan> Bounds { get; set; } = new(StringComparer.Ordinal);

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        ClusterSelector.All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);
}
