using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs list|show|logs|cancel|wait|report</c>.</summary>
public static class RunsCommand
{
    public static Command Create(CliContext context) => new("runs", "List, show, follow and cancel runs")
    {
        RunsListCommand.Create(context),
        RunsShowCommand.Create(context),
        RunsLogsCommand.Create(context),
        RunsCancelCommand.Create(context),
        RunsWaitCommand.Create(context),
        RunsReportCommand.Create(context),
    };
}
