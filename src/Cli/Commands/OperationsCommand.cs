using System.CommandLine;
using System.Text.Json;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops operations [--json]</c>: the catalog, each operation with its parameters.</summary>
public static class OperationsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = JsonOption.Create();
        var command = new Command("operations", "The operations the worker can run, with their parameters") { json };
        command.Aliases.Add("ops");
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var catalog = await api.GetOperationsAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, catalog);
                return ExitCodes.Succeeded;
            }

            foreach (var operation in catalog.EnumerateArray())
            {
                Write(context.Out, operation);
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }

    private static void Write(TextWriter output, JsonElement operation)
    {
        var heavy = operation.TryGetProperty("heavy", out var flag) && flag.ValueKind == JsonValueKind.True ? "  (heavy: one at a time per cluster)" : string.Empty;
        output.WriteLine($"{JsonText.String(operation, "name")}{heavy}");
        output.WriteLine($"  {JsonText.String(operation, "summary")}");
        if (!operation.TryGetProperty("parameters", out var schema) ||
            !schema.TryGetProperty("properties", out var properties) || !properties.EnumerateObject().Any())
        {
            output.WriteLine("  (no parameters)");
            output.WriteLine();
            return;
        }

        var table = new TextTable("  PARAMETER", "TYPE", "DEFAULT", "DESCRIPTION");
        foreach (var parameter in properties.EnumerateObject())
        {
            table.Add("  " + parameter.Name, TypeOf(parameter.Value), JsonText.String(parameter.Value, "default") ?? "-",
                JsonText.String(parameter.Value, "description") ?? string.Empty);
        }

        table.Write(output);
        output.WriteLine();
    }

    /// <summary>The type as a user writes it: <c>array of string</c>, <c>integer 1..32</c>, <c>all | needed</c>.</summary>
    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            return string.Join(" | ", values.EnumerateArray().Select(JsonText.Scalar));
        }

        var type = JsonText.String(schema, "type") ?? "any";
        if (type == "array" && schema.TryGetProperty("items", out var items))
        {
            return $"array of {JsonText.String(items, "type") ?? "any"}";
        }

        var minimum = JsonText.String(schema, "minimum");
        var maximum = JsonText.String(schema, "maximum");
        return minimum is null && maximum is null ? type : $"{type} {minimum}..{maximum}";
    }
}
