using System.CommandLine;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops clusters apply NAME [--dry-run] [--json]</c>: the worker applies the spec's objects with server-side apply.</summary>
public static class ClusterApplyCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = new Argument<string>("name") { Description = "The cluster (a spec under Ops:ClusterSpecs)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Let Kubernetes check every object (dryRun=All), change nothing" };
        var json = JsonOption.Create();
        var command = new Command("apply", "Apply a cluster spec's objects to Kubernetes (server-side apply, by the worker)") { name, dryRun, json };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var answer = await api.ApplyClusterAsync(parse.GetRequiredValue(name), parse.GetValue(dryRun), cancellationToken);
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, answer);
                return ExitCodes.Succeeded;
            }

            var table = new TextTable("KIND", "NAMESPACE", "NAME", "RESOURCE VERSION");
            foreach (var applied in answer.GetProperty("objects").EnumerateArray())
            {
                table.Add(JsonText.String(applied, "kind") ?? "-", JsonText.String(applied, "namespace") ?? "-",
                    JsonText.String(applied, "name") ?? "-", JsonText.String(applied, "resourceVersion") ?? "-");
            }

            await context.Out.WriteLineAsync(answer.GetProperty("dryRun").GetBoolean()
                ? "Checked by Kubernetes (dry run), nothing changed:"
                : $"Applied with field manager {JsonText.String(answer, "fieldManager")}:");
            table.Write(context.Out);
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
