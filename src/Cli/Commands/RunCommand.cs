using System.CommandLine;
using System.Text.Json.Nodes;
using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Parameters;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops run OPERATION --cluster NAME [--param k=v ...]</c>: submit a run and follow it to its end.</summary>
public static class RunCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var operation = new Argument<string>("operation") { Description = "The operation to run (see 'sgops operations')" };
        var cluster = new Option<string>("--cluster", "-c") { Description = "The cluster to run it on", HelpName = "NAME", Required = true };
        var assignments = new Option<string[]>("--param", "-p")
        {
            Description = "A parameter as key=value, typed by the operation's schema: analyze=true, tables=a,b " +
                          "(arrays: comma-separated or repeated); a bare boolean name means true",
            HelpName = "key=value",
        };
        var json = new Option<string?>("--params-json") { Description = "Parameters as a JSON object", HelpName = "JSON" };
        var file = new Option<string?>("--params-file") { Description = "A file holding the parameters as a JSON object ('-': standard input)", HelpName = "FILE" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only plan: show what would be done, change nothing" };
        var noFollow = new Option<bool>("--no-follow") { Description = "Print the run's id and return at once" };
        var targets = new Option<string?>("--targets")
        {
            Description = "findings: vacuum, repack or reindex exactly the tables or indexes the cluster's latest health-check found " +
                          "(exit code 4 when it found nothing to do); parameters (default): as the parameters say",
            HelpName = "parameters|findings",
        };
        targets.AcceptOnlyFromAmong("parameters", "findings");
        var command = new Command("run", "Submit a run and follow it to its end; the exit code is its outcome (0 succeeded, 1 failed, 3 cancelled, 4 skipped)")
        {
            operation, cluster, assignments, json, file, dryRun, noFollow, targets,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(json) is not null && result.GetResult(file) is not null)
            {
                result.AddError("Give the parameters with --params-json or with --params-file, not both.");
            }
        });

        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(operation);
            var parameters = ParametersInput.Read(parse.GetValue(json), parse.GetValue(file), context.Environment.In);
            if (parse.GetValue(assignments) is { Length: > 0 } given)
            {
                var errors = new List<string>();
                ParameterAssignments.Apply(parameters, given, await SchemaOfAsync(api, name, cancellationToken), errors);
                if (errors.Count > 0)
                {
                    throw new CliException(ExitCodes.BadInput, string.Join("\n  ", errors.Prepend("bad --param:")));
                }
            }

            var run = await api.SubmitRunAsync(
                new RunSubmission(parse.GetRequiredValue(cluster), name, parameters, parse.GetValue(dryRun)) { Targets = parse.GetValue(targets) },
                cancellationToken);
            if (parse.GetValue(noFollow))
            {
                await context.Out.WriteLineAsync(run.Id.ToString());
                await context.Environment.Error.WriteLineAsync($"Run {run.Id} {run.Status}; follow it with: sgops runs wait {run.Id}");
                return ExitCodes.Succeeded;
            }

            await context.Out.WriteLineAsync($"Run {run.Id} {run.Status}: {run.Operation} on {run.Cluster}{(run.DryRun ? " (dry run)" : string.Empty)}");
            return await Following.ToEndAsync(context, api, run.Id, cancellationToken);
        });
        return command;
    }

    /// <summary>The operation's parameter properties from the catalog; null for an operation the worker does not know (it will say so).</summary>
    private static async Task<JsonObject?> SchemaOfAsync(OpsApiClient api, string operation, CancellationToken cancellationToken)
    {
        var catalog = await api.GetOperationsAsync(cancellationToken);
        var entry = catalog.EnumerateArray().FirstOrDefault(o => Output.JsonText.String(o, "name") == operation);
        return entry.ValueKind == System.Text.Json.JsonValueKind.Object && entry.TryGetProperty("parameters", out var schema)
            ? JsonNode.Parse(schema.GetRawText())?["properties"] as JsonObject
            : null;
    }
}
