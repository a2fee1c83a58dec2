using System.Globalization;
using System.Text.Json;

namespace StackGres.Ops.Cli.Output;

/// <summary>A log report's overview in words: the period, the counts that are not zero, and how to see the whole page.</summary>
public static class ReportOverview
{
    public static void Write(TextWriter output, Guid runId, JsonElement report)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (report.TryGetProperty("overview", out var overview) && overview.ValueKind == JsonValueKind.Object)
        {
            var shown = overview.EnumerateObject()
                .Where(p => p.Value.ValueKind is JsonValueKind.String || (p.Value.ValueKind == JsonValueKind.Number && p.Value.GetDouble() != 0))
                .ToArray();
            var width = shown.Select(p => p.Name.Length).DefaultIfEmpty(0).Max();
            foreach (var property in shown)
            {
                output.WriteLine($"  {property.Name.PadRight(width)}  {Value(property)}");
            }
        }

        output.WriteLine($"  the whole report with its charts: sgops runs report {runId} --open (or --html FILE)");
    }

    private static string Value(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.Number when property.Name.EndsWith("Ms", StringComparison.Ordinal) => Formats.Duration(property.Value.GetDouble()),
        JsonValueKind.Number when property.Name.EndsWith("Bytes", StringComparison.Ordinal) => Formats.Bytes(property.Value.GetInt64()),
        JsonValueKind.Number => property.Value.GetDouble().ToString("#,0.###", CultureInfo.InvariantCulture),
        _ => JsonText.Scalar(property.Value),
    };
}
