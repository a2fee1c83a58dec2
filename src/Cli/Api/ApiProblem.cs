using System.Text.Json;

namespace StackGres.Ops.Cli.Api;

/// <summary>An RFC 7807 answer of the worker, with the <c>errors</c> it adds to bad requests.</summary>
public sealed record ApiProblem
{
    public string? Title { get; init; }
    public string? Detail { get; init; }
    public int? Status { get; init; }

    /// <summary>The worker's list of messages, or ASP.NET Core's field → messages map.</summary>
    public JsonElement? Errors { get; init; }

    public IReadOnlyList<string> ErrorMessages() => Errors switch
    {
        { ValueKind: JsonValueKind.Array } list => list.EnumerateArray().Select(Text).ToArray(),
        { ValueKind: JsonValueKind.Object } map => map.EnumerateObject()
            .SelectMany(field => field.Value.ValueKind == JsonValueKind.Array
                ? field.Value.EnumerateArray().Select(message => $"{field.Name}: {Text(message)}")
                : [$"{field.Name}: {Text(field.Value)}"])
            .ToArray(),
        _ => [],
    };

    private static string Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
