using System.CommandLine;
using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs show ID [--json]</c>: one run, with its parameters, timings and result.</summary>
public static class RunsShowCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RunIdArgument.Create();
        var json = JsonOption.Create();
        var command = new Command("show", "One run: status, timings, parameters, progress and result") { id, json };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var run = await api.GetRunJsonAsync(parse.GetRequiredValue(id), cancellationToken);
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, run);
            }
            else
            {
                RunPrinter.Details(context.Out, CliJson.Read<RunView>(run));
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }
}
