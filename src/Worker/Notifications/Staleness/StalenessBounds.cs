using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>
/// The bound of each operation on a cluster: the first rule whose selector matches the cluster's labels and names the
/// operation, else <c>Staleness:Bounds</c>, else the defaults (backup 26 h, restore-test 8 days). Zero: not checked.
/// </summary>
public sealed class StalenessBounds(IOptions<NotificationsOptions> options, IOptions<ClustersOptions> clusters)
{
    public IReadOnlyDictionary<string, TimeSpan> For(string cluster)
    {
        var staleness = options.Value.Staleness;
        var bounds = new Dictionary<string, TimeSpan>(StalenessOptions.DefaultBounds, StringComparer.Ordinal);
        foreach (var (operation, bound) in staleness.Bounds)
        {
            bounds[operation] = bound;
        }

        var labels = clusters.Value.TryGetValue(cluster, out var definition) ? definition.Labels : [];
        var decided = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in staleness.Rules.Where(rule => rule.Matches(labels)))
        {
            foreach (var (operation, bound) in rule.Bounds.Where(b => decided.Add(b.Key)))
            {
                bounds[operation] = bound;
            }
        }

        return bounds.Where(b => b.Value > TimeSpan.Zero).ToDictionary(StringComparer.Ordinal);
    }
}
