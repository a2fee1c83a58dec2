using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs wait ID</c>: follow an existing run to its end; the exit code is its outcome.</summary>
public static class RunsWaitCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RunIdArgument.Create();
        var command = new Command("wait", "Follow a run to its end; the exit code is its outcome (0 succeeded, 1 failed, 3 cancelled, 4 skipped)") { id };
        context.SetAction(command, (parse, api, cancellationToken) =>
            Following.ToEndAsync(context, api, parse.GetRequiredValue(id), cancellationToken));
        return command;
    }
}
