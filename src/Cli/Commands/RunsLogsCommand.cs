using System.CommandLine;
using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops runs logs ID [--follow]</c>: the run's log; with --follow, until the run ends (exit code: its outcome).</summary>
public static class RunsLogsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RunIdArgument.Create();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until the run ends; then exit with its outcome" };
        var command = new Command("logs", "The run's log") { id, follow };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var runId = parse.GetRequiredValue(id);
            var after = await PrintNewLinesAsync(context.Out, api, runId, 0, cancellationToken);
            if (!parse.GetValue(follow))
            {
                return ExitCodes.Succeeded;
            }

            try
            {
                while (true)
                {
                    // The run's state is read before its last lines, so no line written before the end is missed.
                    var run = await api.GetRunAsync(runId, cancellationToken);
                    after = await PrintNewLinesAsync(context.Out, api, runId, after, cancellationToken);
                    if (run.IsTerminal)
                    {
                        await context.Out.WriteLineAsync($"Run {run.Id} {run.Status}{(run.Reason is { Length: > 0 } reason ? ": " + reason : string.Empty)}");
                        return ExitCodes.FromStatus(run.Status);
                    }

                    await Task.Delay(context.Environment.PollInterval, context.Environment.Clock, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }

    private static async Task<long> PrintNewLinesAsync(TextWriter output, OpsApiClient api, Guid id, long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lines = await api.GetLogsAsync(id, after, cancellationToken);
            if (lines.Count == 0)
            {
                return after;
            }

            foreach (var line in lines)
            {
                await output.WriteLineAsync($"{Formats.Time(line.Time)} {line.Level,-5} {line.Message}");
                after = line.Sequence;
            }

            await output.FlushAsync(cancellationToken);
        }
    }
}
