using System.Text.Json;
using System.Text.Json.Serialization;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// A large cluster inventory as one JSON file (<c>Ops:InventoryFile</c>, typically a mounted
/// ConfigMap): <c>{"Clusters": {"name": {"Host": ..., "Labels": {...}}}}</c>, the same shape as
/// <c>Ops:Clusters</c>. It is read in one pass: .NET's configuration binder walks every key once per
/// cluster, which takes seconds for thousands of clusters.
/// </summary>
public static class InventoryFile
{
    public const string ConfigurationKey = "Ops:InventoryFile";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads the file; on failure returns null and says why, naming the key and the place in the file.</summary>
    public static Dictionary<string, ClusterDefinition>? TryRead(string path, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"{ConfigurationKey} names '{path}', which does not exist.";
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<InventoryDocument>(stream, Options);
            var clusters = document?.Clusters ?? new Dictionary<string, ClusterDefinition>(StringComparer.Ordinal);
            foreach (var (name, cluster) in clusters)
            {
                cluster.Origin = $"{ConfigurationKey} ({path}): cluster '{name}'";
            }

            return clusters;
        }
        catch (JsonException e)
        {
            problem = $"{ConfigurationKey} '{path}' is not a valid inventory (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message}";
            return null;
        }
    }

    private sealed record InventoryDocument(Dictionary<string, ClusterDefinition>? Clusters);
}
