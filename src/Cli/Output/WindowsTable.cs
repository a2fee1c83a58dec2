using System.Globalization;
using System.Text.Json;

namespace StackGres.Ops.Cli.Output;

/// <summary>A cluster's <c>nextWindows</c> (window, opensAt, closesAt in ISO 8601) as a table, or a sentence when there are none.</summary>
public static class WindowsTable
{
    public static void Write(TextWriter output, JsonElement cluster, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(output);
        var name = JsonText.String(cluster, "name") ?? "?";
        if (!cluster.TryGetProperty(Commands.ClustersCommand.NextWindowsProperty, out var windows) ||
            windows.ValueKind != JsonValueKind.Array || windows.GetArrayLength() == 0)
        {
            output.WriteLine($"No maintenance windows are scheduled for cluster '{name}'.");
            return;
        }

        output.WriteLine($"Next maintenance windows of cluster '{name}':");
        var table = new TextTable("WINDOW", "OPENS", "CLOSES", "OPENS IN");
        foreach (var window in windows.EnumerateArray())
        {
            var opens = JsonText.String(window, "opensAt");
            table.Add(JsonText.String(window, "window") ?? "-", opens ?? "-", JsonText.String(window, "closesAt") ?? "-", Until(opens, now));
        }

        table.Write(output);
    }

    private static string Until(string? opensAt, DateTimeOffset now) =>
        DateTimeOffset.TryParse(opensAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var opens)
            ? opens <= now ? "open now" : Formats.Span(opens - now)
            : "-";
}
