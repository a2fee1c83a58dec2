using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs cancel ID</c>: a queued run is cancelled at once, a running one is stopped cleanly.</summary>
public static class RunsCancelCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RunIdArgument.Create();
        var command = new Command("cancel", "Cancel a queued or running run") { id };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var run = await api.CancelRunAsync(parse.GetRequiredValue(id), cancellationToken);
            await context.Out.WriteLineAsync(run.IsTerminal
                ? $"Run {run.Id} {run.Status}."
                : $"Cancel requested for run {run.Id} ({run.Status}); the worker stops it. Follow it: sgops runs wait {run.Id}");
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
