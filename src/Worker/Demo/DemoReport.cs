using System.Text.Json;

namespace StackGres.Ops.Worker.Demo;

/// <summary>Prints a finished vacuum run the way a person wants to read it.</summary>
public static class DemoReport
{
    public static void PrintRun(JsonElement run)
    {
        var status = run.GetProperty("status").GetString();
        Console.WriteLine($"  run {run.GetProperty("id").GetString()} {status} in {Number(run, "durationMs"):F0} ms");
        if (run.TryGetProperty("reason", out var reason))
        {
            Console.WriteLine($"  reason: {reason.GetString()}");
        }

        if (!run.TryGetProperty("result", out var result))
        {
            return;
        }

        Console.WriteLine($"  {Number(result, "tablesVacuumed"):F0} tables vacuumed, {Number(result, "deadTuplesBefore"):F0} dead tuples before; " +
                          "user tables:");
        Console.WriteLine($"  {"table",-28} {"dead before",12} {"size",10} {"ms",8}");
        foreach (var table in result.GetProperty("tables").EnumerateArray()
                     .Where(t => t.GetProperty("schema").GetString() != "pg_catalog" && t.GetProperty("schema").GetString() != "information_schema"))
        {
            Console.WriteLine(
                $"  {table.GetProperty("schema").GetString() + "." + table.GetProperty("table").GetString(),-28} " +
                $"{Number(table, "deadTuplesBefore"),12:F0} {Number(table, "sizeAfterBytes") / 1024 / 1024,8:F1}MB {Number(table, "durationMs"),8:F1}");
        }
    }

    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}
