using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Clusters.Kubernetes;

/// <summary>A pod of the StatefulSet as a roll looks at it: which one it is (uid), what it runs, whether it is Ready.</summary>
public sealed record PodState
{
    public required string Name { get; init; }

    public required string Uid { get; init; }

    /// <summary>The image of the PostgreSQL container in the pod's spec.</summary>
    public required string Image { get; init; }

    public required string Phase { get; init; }

    /// <summary>The pod's Ready condition is True.</summary>
    public bool Ready { get; init; }

    /// <summary>Being deleted (a deletionTimestamp is set).</summary>
    public bool Terminating { get; init; }

    /// <summary>Why the container is not running ("ImagePullBackOff: ..."), or null.</summary>
    public string? Waiting { get; init; }

    public static PodState From(JsonObject pod, string container)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var spec = pod["spec"]?["containers"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => Text(c["name"]) == container);
        var status = pod["status"]?["containerStatuses"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => Text(c["name"]) == container);
        var waiting = status?["state"]?["waiting"];
        return new PodState
        {
            Name = Text(pod["metadata"]?["name"]) ?? string.Empty,
            Uid = Text(pod["metadata"]?["uid"]) ?? string.Empty,
            Image = Text(spec?["image"]) ?? string.Empty,
            Phase = Text(pod["status"]?["phase"]) ?? "Unknown",
            Ready = pod["status"]?["conditions"]?.AsArray().OfType<JsonObject>()
                .Any(c => Text(c["type"]) == "Ready" && Text(c["status"]) == "True") == true,
            Terminating = pod["metadata"]?["deletionTimestamp"] is not null,
            Waiting = waiting is null ? null : $"{Text(waiting["reason"])}: {Text(waiting["message"])}".TrimEnd(' ', ':'),
        };
    }

    public override string ToString() =>
        $"pod {Name} {Phase}{(Terminating ? ", terminating" : string.Empty)}, {(Ready ? "ready" : "not ready")}, image {Image}" +
        (Waiting is null ? string.Empty : $" ({Waiting})");

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
