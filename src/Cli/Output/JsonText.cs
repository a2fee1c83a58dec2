using System.Text.Json;

namespace StackGres.Ops.Cli.Output;

/// <summary>JSON values as short text: scalars as they are, arrays and objects summarized.</summary>
public static class JsonText
{
    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => value.GetArrayLength() switch
        {
            0 => "(none)",
            var n when value.EnumerateArray().All(IsScalar) && n <= 10 => string.Join(", ", value.EnumerateArray().Select(Scalar)),
            var n => $"{n} items",
        },
        JsonValueKind.Object => value.GetRawText(),
        _ => value.GetRawText(),
    };

    public static bool IsScalar(JsonElement value) => value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object);

    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? Scalar(value)
            : null;

    public static void WriteIndented(TextWriter output, JsonElement element)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(element, Api.CliJson.Indented));
    }
}
