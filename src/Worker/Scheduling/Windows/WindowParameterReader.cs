using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// Turns a window step's <c>Parameters</c> configuration section (where every value is text) into
/// the JSON the operation expects, using the operation's parameter schema: "true" becomes a boolean,
/// "5" an integer, "0.5" a number, indexed children or "a,b" an array. Problems name the full configuration key.
/// </summary>
public static class WindowParameterReader
{
    public static JsonElement Read(IConfigurationSection section, IOperation operation, List<string> failures)
    {
        var parameters = new JsonObject();
        var definitions = operation.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!definitions.TryGetValue(child.Key, out var definition))
            {
                failures.Add($"{child.Path}: unknown parameter of '{operation.Name}'. Known parameters: {string.Join(", ", definitions.Values.Select(d => d.Name))}.");
                continue;
            }

            if (ToNode(child, definition) is { } node)
            {
                parameters[definition.Name] = node;
            }
            else
            {
                failures.Add($"{child.Path} must be {definition.TypeName}.");
            }
        }

        return JsonSerializer.SerializeToElement(parameters);
    }

    private static JsonNode? ToNode(IConfigurationSection value, ParameterDefinition definition) => definition.Type switch
    {
        ParameterType.String when value.Value is { } text => JsonValue.Create(text),
        ParameterType.Boolean when bool.TryParse(value.Value, out var flag) => JsonValue.Create(flag),
        ParameterType.Integer when long.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        ParameterType.Number when double.TryParse(value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) =>
            JsonValue.Create(real),
        ParameterType.StringArray => ToArray(value),
        _ => null,
    };

    private static JsonArray? ToArray(IConfigurationSection value)
    {
        var items = value.Value is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : value.GetChildren().Select(c => c.Value).ToArray();
        return items.Length == 0 || items.Any(string.IsNullOrEmpty)
            ? null
            : new JsonArray(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
    }
}
