using System.CommandLine;
using System.Text.Json;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary>
/// <c>sgops runs report ID [--html FILE | --open | --json]</c>: a log-report run's report. Without an
/// option, its overview in words; <c>--html</c> writes the page (charts included) to a file or, with
/// <c>-</c>, to standard output; <c>--open</c> writes it to a temporary file and opens that in the
/// browser, so the token never travels in a URL.
/// </summary>
public static class RunsReportCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = RunIdArgument.Create();
        var html = new Option<string>("--html") { Description = "Write the HTML report to FILE ('-' for standard output)", HelpName = "FILE" };
        var open = new Option<bool>("--open") { Description = "Open the HTML report in the browser" };
        var json = JsonOption.Create();
        var command = new Command("report", "The report of a log-report run: its overview, the HTML page (--html, --open) or the JSON (--json)") { id, html, open, json };
        command.Validators.Add(result =>
        {
            var chosen = new[] { result.GetResult(html) is not null, result.GetValue(open), result.GetValue(json) }.Count(c => c);
            if (chosen > 1)
            {
                result.AddError("Choose one of --html, --open and --json.");
            }
        });
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var runId = parse.GetRequiredValue(id);
            if (parse.GetValue(html) is { } file)
            {
                var page = await api.GetReportAsync(runId, html: true, cancellationToken);
                if (file == "-")
                {
                    await context.Out.WriteAsync(page);
                    return ExitCodes.Succeeded;
                }

                await File.WriteAllTextAsync(file, page, cancellationToken);
                await context.Out.WriteLineAsync($"Wrote the report of run {runId} to {file}.");
                return ExitCodes.Succeeded;
            }

            if (parse.GetValue(open))
            {
                var page = await api.GetReportAsync(runId, html: true, cancellationToken);
                var path = Path.Combine(Path.GetTempPath(), $"sgops-report-{runId:N}.html");
                await File.WriteAllTextAsync(path, page, cancellationToken);
                await context.Out.WriteLineAsync(context.Environment.OpenInBrowser(path)
                    ? $"Opened {path} in the browser."
                    : $"Wrote {path}; no browser could be started (set $BROWSER), open it yourself.");
                return ExitCodes.Succeeded;
            }

            var report = JsonSerializer.Deserialize<JsonElement>(await api.GetReportAsync(runId, html: false, cancellationToken));
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, report);
            }
            else
            {
                ReportOverview.Write(context.Out, runId, report);
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }
}
