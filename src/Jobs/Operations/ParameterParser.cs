using System.Globalization;
using System.Text.Json;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>
/// Checks a JSON parameters object against an operation's declared parameters: unknown names and
/// wrong types are reported, all at once, in words a user understands.
/// </summary>
public static class ParameterParser
{
    /// <summary>
    /// Binds a request's parameters for <paramref name="operation"/>: parsed against its declared
    /// parameters, then checked by the operation itself when they parsed cleanly (checking values
    /// that did not parse would only add confusing errors). Every problem goes to <paramref name="errors"/>.
    /// </summary>
    public static ParameterValues Bind(IOperation operation, JsonElement? parameters, List<string> errors)
    {
        var before = errors.Count;
        var values = Parse(operation, parameters, errors);
        if (errors.Count == before)
        {
            operation.Validate(values, errors);
        }

        return values;
    }

    public static ParameterValues Parse(IOperation operation, JsonElement? parameters, List<string> errors)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (parameters is null || parameters.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return new ParameterValues(values);
        }

        if (parameters.Value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'parameters' must be a JSON object, got {Describe(parameters.Value)}.");
            return new ParameterValues(values);
        }

        var known = operation.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var property in parameters.Value.EnumerateObject())
        {
            if (!known.TryGetValue(property.Name, out var definition))
            {
                errors.Add($"Unknown parameter '{property.Name}' for operation '{operation.Name}'. " +
                           $"Known parameters: {string.Join(", ", known.Keys)}.");
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue; // null means "use the default"
            }

            if (!HasType(property.Value, definition.Type))
            {
                errors.Add($"Parameter '{property.Name}' must be {definition.TypeName}, got {Describe(property.Value)}.");
                continue;
            }

            if (OutOfRange(property.Value, definition) is { } problem)
            {
                errors.Add($"Parameter '{property.Name}' {problem}.");
                continue;
            }

            values[property.Name] = property.Value.Clone();
        }

        return new ParameterValues(values);
    }

    private static string? OutOfRange(JsonElement value, ParameterDefinition definition)
    {
        if (definition.AllowedValues is { } allowed && !allowed.Contains(value.GetString()!, StringComparer.Ordinal))
        {
            return $"must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}, got '{value.GetString()}'";
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var number = value.GetDouble();
        if (definition.Minimum is { } minimum && number < minimum)
        {
            return $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}, got {value.GetRawText()}";
        }

        return definition.Maximum is { } maximum && number > maximum
            ? $"must be at most {maximum.ToString(CultureInfo.InvariantCulture)}, got {value.GetRawText()}"
            : null;
    }

    private static bool HasType(JsonElement value, ParameterType type) => type switch
    {
        ParameterType.String => value.ValueKind == JsonValueKind.String,
        ParameterType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ParameterType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        ParameterType.Number => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
        ParameterType.StringArray => value.ValueKind == JsonValueKind.Array &&
                                     value.EnumerateArray().All(item =>
                                         item.ValueKind == JsonValueKind.String && item.GetString()!.Length > 0),
        _ => false,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };
}
