using System.CommandLine;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops clusters windows NAME</c>: the next maintenance window occurrences of a cluster.</summary>
public static class ClusterWindowsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = new Argument<string>("name") { Description = "The cluster" };
        var command = new Command("windows", "The next maintenance windows of a cluster") { name };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var cluster = await api.GetClusterAsync(parse.GetRequiredValue(name), cancellationToken);
            WindowsTable.Write(context.Out, cluster, context.Environment.Clock.GetUtcNow());
            return ExitCodes.Succeeded;
        });
        return command;
    }
}
