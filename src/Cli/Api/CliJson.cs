using System.Text.Json;

namespace StackGres.Ops.Cli.Api;

/// <summary>The JSON dialect of the worker's API (camelCase) for reading, and indented for printing.</summary>
public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new CliException(ExitCodes.WorkerUnavailable, "the worker answered an empty body.");
}
