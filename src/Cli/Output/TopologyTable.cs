using System.Globalization;
using System.Text.Json;

namespace StackGres.Ops.Cli.Output;

/// <summary>A cluster's instances as <c>sgops clusters NAME</c> shows them: role, address, streaming, lag.</summary>
public static class TopologyTable
{
    public const string Property = "topology";

    public static void Write(TextWriter output, JsonElement cluster)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!cluster.TryGetProperty(Property, out var topology) || topology.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var table = new TextTable("INSTANCE", "ROLE", "ADDRESS", "STREAMING", "LAG BYTES", "TIMELINE", "NOTE");
        foreach (var instance in topology.EnumerateArray())
        {
            table.Add(
                JsonText.String(instance, "name") ?? "-",
                JsonText.String(instance, "role") ?? "-",
                $"{JsonText.String(instance, "host")}:{Number(instance, "port")}",
                instance.TryGetProperty("streaming", out var streaming) && streaming.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (streaming.GetBoolean() ? "yes" : "NO")
                    : "-",
                Number(instance, "lagBytes"),
                Number(instance, "timeline"),
                JsonText.String(instance, "error") ?? string.Empty);
        }

        output.WriteLine("Topology:");
        table.Write(output);
    }

    private static string Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64().ToString(CultureInfo.InvariantCulture)
            : "-";
}
