using System.Text.Json;

namespace StackGres.Ops.Worker.Demo;

/// <summary>Prints a finished run (vacuum, switchover) the way a person wants to read it.</summary>
public static class DemoReport
{
    public static void PrintRun(JsonElement run)
    {
        var status = run.GetProperty("status").GetString();
        DemoConsole.Say($"  run {run.GetProperty("id").GetString()} {status} in {Number(run, "durationMs"):F0} ms");
        if (run.TryGetProperty("reason", out var reason))
        {
            DemoConsole.Say($"  reason: {reason.GetString()}");
        }

        if (!run.TryGetProperty("result", out var result))
        {
            return;
        }

        if (result.TryGetProperty("steps", out var steps))
        {
            PrintRoll(result, steps);
            return;
        }

        DemoConsole.Say($"  {Number(result, "tablesVacuumed"):F0} tables vacuumed, {Number(result, "deadTuplesBefore"):F0} dead tuples before; " +
                        "user tables:");
        DemoConsole.Say($"  {"table",-28} {"dead before",12} {"size",10} {"ms",8}");
        foreach (var table in result.GetProperty("tables").EnumerateArray()
                     .Where(t => t.GetProperty("schema").GetString() != "pg_catalog" && t.GetProperty("schema").GetString() != "information_schema"))
        {
            DemoConsole.Say(
                $"  {table.GetProperty("schema").GetString() + "." + table.GetProperty("table").GetString(),-28} " +
                $"{Number(table, "deadTuplesBefore"),12:F0} {Number(table, "sizeAfterBytes") / 1024 / 1024,8:F1}MB {Number(table, "durationMs"),8:F1}");
        }
    }

    private static void PrintRoll(JsonElement result, JsonElement steps)
    {
        DemoConsole.Say($"  primary {result.GetProperty("primaryBefore").GetString()} → {Text(result, "primaryAfter")}");
        foreach (var step in steps.EnumerateArray())
        {
            DemoConsole.Say($"  {step.GetProperty("instance").GetString(),-5} {step.GetProperty("action").GetString(),-10} {step.GetProperty("outcome").GetString(),-8} {Text(step, "detail")}");
        }

        if (result.TryGetProperty("writes", out var writes) && writes.ValueKind == JsonValueKind.Object)
        {
            DemoConsole.Say($"  a client writing throughout: {Number(writes, "committed"):F0} commits, {Number(writes, "lost"):F0} lost, " +
                            $"longest gap {Number(writes, "longestGapSeconds"):F3} s");
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}
