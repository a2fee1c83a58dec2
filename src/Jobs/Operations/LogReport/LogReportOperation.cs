using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>
/// pgBadger-style report from the cluster's PostgreSQL logs, read from a directory the runner can
/// see (the server's log_directory locally; the log volume mounted into the Job in Kubernetes). The
/// result is the report itself (see REPORT-SCHEMA.md); the API also serves it as an HTML page.
/// </summary>
public sealed class LogReportOperation : IOperation
{
    public const string OperationName = "log-report";

    public string Name => OperationName;

    public string Summary => "Report from the PostgreSQL logs (stderr, csvlog or jsonlog): queries, errors, locks, temp files, checkpoints, autovacuum, sessions.";

    /// <summary>It only reads log files: it does not take the cluster's maintenance slot.</summary>
    public bool IsHeavy => false;

    public bool IsIdempotent => true;

    public IReadOnlyList<ParameterDefinition> Parameters => LogReportParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors) => LogReportParameters.From(values, errors);

    /// <summary>
    /// Nothing to check against the server: the logs are files where the runner runs (in Kubernetes a
    /// volume of the Job's pod, which the worker cannot see); a missing path fails the run with a clear reason.
    /// </summary>
    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var (settings, paths) = LogReportParameters.From(values, errors);
        if (errors.Count > 0)
        {
            throw new OperationFailedException(string.Join(" ", errors));
        }

        context.Events.Log(LogLevel.Information, $"reading logs from {string.Join(", ", paths)}");
        try
        {
            var report = LogAnalyzer.Analyze(paths, settings, progress => context.Events.Progress(new RunProgress
            {
                Phase = "reading logs",
                Done = (int)(progress.BytesRead >> 20),
                Total = (int)(progress.BytesTotal >> 20),
            }), cancellationToken);
            foreach (var warning in report.Input.Warnings)
            {
                context.Events.Log(LogLevel.Warning, warning);
            }

            var o = report.Overview;
            context.Events.Log(LogLevel.Information,
                $"{report.Input.Entries} entries from {report.Input.Files.Count} file(s): {o.Queries} queries ({o.DistinctQueries} distinct), " +
                $"{o.Errors} errors, {o.Sessions} sessions, {report.Input.SkippedLines} line(s) skipped");
            return Task.FromResult<object>(report);
        }
        catch (LogInputException e)
        {
            throw new OperationFailedException(e.Message);
        }
        catch (IOException e)
        {
            throw new OperationFailedException($"Reading the logs failed: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OperationFailedException($"The runner may not read the logs: {e.Message}");
        }
    }
}
