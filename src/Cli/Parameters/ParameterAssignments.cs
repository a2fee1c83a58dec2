using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StackGres.Ops.Cli.Parameters;

/// <summary>
/// Turns <c>--param key=value</c> into typed JSON, using the operation's parameter schema from the
/// catalog: <c>analyze=true</c> becomes a boolean, <c>tables=a,b</c> (or <c>tables=a --param tables=b</c>)
/// an array, <c>jobs=4</c> an integer. A name the schema does not know is sent as a string, so the
/// worker answers with the list of known parameters.
/// </summary>
public static class ParameterAssignments
{
    public static void Apply(JsonObject parameters, IReadOnlyList<string> assignments, JsonObject? schemaProperties, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(assignments);
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? assignment : assignment[..equals]).Trim();
            if (name.Length == 0)
            {
                errors.Add($"--param '{assignment}': write key=value.");
                continue;
            }

            var schema = schemaProperties?[name] as JsonObject;
            var type = schema?["type"]?.GetValue<string>();
            if (equals < 0)
            {
                // A bare boolean name means true, as a flag would.
                if (type == "boolean" && assigned.Add(name))
                {
                    parameters[name] = true;
                }
                else
                {
                    errors.Add($"--param '{assignment}': write {name}=value.");
                }

                continue;
            }

            var text = assignment[(equals + 1)..];
            var firstTime = assigned.Add(name);
            if (type == "array")
            {
                var items = firstTime || parameters[name] is not JsonArray existing ? new JsonArray() : existing;
                AddItems(items, name, text, schema?["items"]?["type"]?.GetValue<string>(), errors);
                parameters[name] = items;
                continue;
            }

            if (!firstTime)
            {
                errors.Add($"--param {name} is given more than once; it takes one value.");
                continue;
            }

            if (Convert(name, text, type, errors) is { } value)
            {
                parameters[name] = value;
            }
        }
    }

    private static void AddItems(JsonArray items, string name, string text, string? itemType, List<string> errors)
    {
        foreach (var item in ListSplitter.Split(text))
        {
            if (item.Length == 0)
            {
                errors.Add($"--param {name}={text}: an empty item; separate items with single commas.");
            }
            else if (Convert(name, item, itemType, errors) is { } value)
            {
                items.Add(value);
            }
        }
    }

    private static JsonNode? Convert(string name, string text, string? type, List<string> errors)
    {
        switch (type)
        {
            case "boolean":
                if (bool.TryParse(text.Trim(), out var flag))
                {
                    return JsonValue.Create(flag);
                }

                errors.Add($"--param {name}={text}: {name} is a boolean; write true or false.");
                return null;
            case "integer":
                if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return JsonValue.Create(integer);
                }

                errors.Add($"--param {name}={text}: {name} is an integer.");
                return null;
            case "number":
                if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }

                errors.Add($"--param {name}={text}: {name} is a number.");
                return null;
            case "object":
                try
                {
                    return JsonNode.Parse(text) as JsonObject ?? throw new JsonException();
                }
                catch (JsonException)
                {
                    errors.Add($"--param {name}=...: {name} is an object; give it as JSON, or use --params-json.");
                    return null;
                }

            default:
                return JsonValue.Create(text);
        }
    }
}
