using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>One parameter an operation accepts: its name, JSON type, meaning and default.</summary>
public sealed record ParameterDefinition(string Name, ParameterType Type, string Description, JsonNode? Default = null)
{
    /// <summary>For strings: the only values accepted (a JSON Schema enum).</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>For numbers and integers: the smallest value accepted.</summary>
    public double? Minimum { get; init; }

    /// <summary>For numbers and integers: the largest value accepted.</summary>
    public double? Maximum { get; init; }

    /// <summary>The JSON Schema fragment of this parameter, as served by the operation catalog.</summary>
    public JsonObject ToJsonSchema()
    {
        var schema = Type switch
        {
            ParameterType.String => new JsonObject { ["type"] = "string" },
            ParameterType.Boolean => new JsonObject { ["type"] = "boolean" },
            ParameterType.Integer => new JsonObject { ["type"] = "integer" },
            ParameterType.Number => new JsonObject { ["type"] = "number" },
            ParameterType.StringArray => new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
            },
            _ => throw new InvalidOperationException($"Unknown parameter type {Type}."),
        };
        schema["description"] = Description;
        if (AllowedValues is not null)
        {
            schema["enum"] = new JsonArray(AllowedValues.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        if (Minimum is not null)
        {
            schema["minimum"] = Minimum.Value;
        }

        if (Maximum is not null)
        {
            schema["maximum"] = Maximum.Value;
        }

        if (Default is not null)
        {
            schema["default"] = Default.DeepClone();
        }

        return schema;
    }

    public string TypeName => Type switch
    {
        ParameterType.String => "a string",
        ParameterType.Boolean => "a boolean (true or false)",
        ParameterType.Integer => "an integer",
        ParameterType.Number => "a number",
        ParameterType.StringArray => "an array of non-empty strings",
        _ => Type.ToString(),
    };
}
