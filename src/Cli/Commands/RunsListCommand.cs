using System.CommandLine;
using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs list [--cluster] [--status] [--operation] [--limit] [--json]</c>: runs, newest first.</summary>
public static class RunsListCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cluster = new Option<string?>("--cluster", "-c") { Description = "Only this cluster's runs", HelpName = "NAME" };
        var status = new Option<string?>("--status", "-s") { Description = "Only runs in this state: queued, running, succeeded, failed, cancelled, skipped", HelpName = "STATUS" };
        var operation = new Option<string?>("--operation", "-o") { Description = "Only runs of this operation", HelpName = "NAME" };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many runs [default: 50]", HelpName = "N" };
        var json = JsonOption.Create();
        var command = new Command("list", "Runs, newest first") { cluster, status, operation, limit, json };
        command.Aliases.Add("ls");
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var runs = await api.ListRunsJsonAsync(
                new RunFilter(parse.GetValue(cluster), parse.GetValue(status), parse.GetValue(operation), parse.GetValue(limit)),
                cancellationToken);
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, runs);
                return ExitCodes.Succeeded;
            }

            var table = new TextTable("ID", "OPERATION", "CLUSTER", "STATUS", "TRIGGER", "CREATED", "DURATION");
            foreach (var run in CliJson.Read<RunView[]>(runs))
            {
                table.Add(run.Id.ToString(), run.Operation + (run.DryRun ? " (dry run)" : string.Empty), run.Cluster, run.Status,
                    run.Trigger, Formats.Time(run.CreatedAt), Formats.Duration(run.DurationMs));
            }

            if (table.Count == 0)
            {
                await context.Out.WriteLineAsync("No runs.");
            }
            else
            {
                table.Write(context.Out);
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }
}
