using System.Text.Json;
using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Output;

/// <summary>A run in words: the summary after following it, and the details of <c>runs show</c>.</summary>
public static class RunPrinter
{
    private const string LogReportOperation = "log-report";

    public static void Summary(TextWriter output, RunView run)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        var took = run.DurationMs is { } ms ? $" in {Formats.Duration(ms)}" : string.Empty;
        output.WriteLine($"Run {run.Id} {run.Status}{took}: {run.Operation} on {run.Cluster}{(run.DryRun ? " (dry run)" : string.Empty)}.");
        if (run.Reason is { Length: > 0 } reason)
        {
            output.WriteLine($"  reason: {reason}");
        }

        if (run.Result is { ValueKind: JsonValueKind.Object } result)
        {
            if (run.Operation == LogReportOperation)
            {
                // The result is the whole report (tens of kilobytes): its overview, and where to see the rest.
                ReportOverview.Write(output, run.Id, result);
            }
            else
            {
                WriteFields(output, result, "  ");
                if (result.EnumerateObject().Any(p => !JsonText.IsScalar(p.Value)))
                {
                    output.WriteLine($"  (all of it: sgops runs show {run.Id} --json)");
                }
            }
        }

        if (run.Status == "failed")
        {
            output.WriteLine($"  its log: sgops runs logs {run.Id}");
        }
    }

    public static void Details(TextWriter output, RunView run)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        var table = new TextTable("FIELD", "VALUE");
        table.Add("id", run.Id.ToString());
        table.Add("operation", run.Operation);
        table.Add("cluster", run.Cluster);
        table.Add("status", run.Status + (run.CancelRequested && !run.IsTerminal ? " (cancel requested)" : string.Empty));
        table.Add("trigger", run.Trigger);
        table.Add("dry run", run.DryRun ? "yes" : "no");
        table.Add("created", Formats.Time(run.CreatedAt));
        table.Add("started", Formats.Time(run.StartedAt));
        table.Add("finished", Formats.Time(run.FinishedAt));
        table.Add("duration", Formats.Duration(run.DurationMs));
        if (run.Reason is { Length: > 0 } reason)
        {
            table.Add("reason", reason);
        }

        if (run.Parameters is { ValueKind: JsonValueKind.Object } parameters && parameters.EnumerateObject().Any())
        {
            table.Add("parameters", parameters.GetRawText());
        }

        if (run.Progress is { } progress && !run.IsTerminal)
        {
            table.Add("progress", $"{Following.ProgressText.Describe(run)} ({progress.Percent:F1}%)");
        }

        table.Write(output);
        if (run.Result is { ValueKind: JsonValueKind.Object } result)
        {
            output.WriteLine("result:");
            if (run.Operation == LogReportOperation)
            {
                ReportOverview.Write(output, run.Id, result);
            }
            else
            {
                WriteFields(output, result, "  ");
            }
        }
    }

    /// <summary>Counts of bytes (<c>bytesReclaimed</c>, <c>sizeBeforeBytes</c>) are shown in units as well.</summary>
    private static string Value(JsonProperty property) =>
        property.Name.EndsWith("Bytes", StringComparison.OrdinalIgnoreCase) && property.Value.TryGetInt64(out var bytes) && bytes >= 1024
            ? $"{bytes} ({Formats.Bytes(bytes)})"
            : property.Value.ValueKind == JsonValueKind.Object && property.Value.GetRawText().Length > 100
                ? $"({property.Value.EnumerateObject().Count()} fields)"
                : JsonText.Scalar(property.Value);

    private static void WriteFields(TextWriter output, JsonElement result, string indent)
    {
        var width = result.EnumerateObject().Select(p => p.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var property in result.EnumerateObject())
        {
            output.WriteLine($"{indent}{property.Name.PadRight(width)}  {Value(property)}");
        }
    }
}
