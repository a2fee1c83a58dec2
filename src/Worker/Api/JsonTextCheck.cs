using System.Text.Json;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// Finds a string in a JSON document that is not text: an escaped lone UTF-16 surrogate (<c>"\ud800"</c>) is valid JSON
/// but no string, and reading it throws. A request is checked once, before any field is read.
/// </summary>
public static class JsonTextCheck
{
    /// <summary>Where the first such string is ("$.parameters.tables[0]", or a property name there), or null.</summary>
    public static string? FindInvalidString(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidString(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"a property name in {path}";
                    }

                    if (FindInvalidString(property.Value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsText(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
