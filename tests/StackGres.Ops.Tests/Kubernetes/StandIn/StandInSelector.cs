using k8s;
using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>Equality label selectors (a=b,c=d) and the metadata.name field selector.</summary>
public sealed class StandInSelector
{
    private readonly List<(string Key, string Value)> labels = [];
    private string? name;

    public static StandInSelector Parse(string? labelSelector, string? fieldSelector)
    {
        var selector = new StandInSelector();
        foreach (var term in (labelSelector ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = term.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new NotSupportedException($"The stand-in knows only equality selectors, not '{term}'.");
            }

            selector.labels.Add((parts[0].Trim(), parts[1].Trim()));
        }

        foreach (var term in (fieldSelector ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            selector.name = term.StartsWith("metadata.name=", StringComparison.Ordinal)
                ? term["metadata.name=".Length..]
                : throw new NotSupportedException($"The stand-in knows only the metadata.name field selector, not '{term}'.");
        }

        return selector;
    }

    public bool Matches(IKubernetesObject<V1ObjectMeta> item) =>
        (name is null || item.Metadata.Name == name) &&
        labels.All(l => item.Metadata.Labels?.TryGetValue(l.Key, out var value) == true && value == l.Value);
}
