using System.Globalization;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>
/// pgBadger-style report from the cluster's PostgreSQL logs, read from files the runner can see (the
/// server's log_directory locally; the log volume mounted into the Job in Kubernetes) or from the server
/// itself over SQL (pg_ls_logdir, pg_read_binary_file). The result is the report itself (see
/// REPORT-SCHEMA.md); the API also serves it as an HTML page.
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
    /// volume of the Job's pod, which the worker cannot see); a missing path fails the run with a clear reason,
    /// and so do missing grants for reading over SQL (checked by the runner, on the connection that reads).
    /// </summary>
    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var (settings, source, paths) = LogReportParameters.From(values, errors);
        if (errors.Count > 0)
        {
            throw new OperationFailedException(string.Join(" ", errors));
        }

        void Progress(LogProgress progress) => context.Events.Progress(new RunProgress
        {
            Phase = "reading logs",
            Done = (int)(progress.BytesRead >> 20),
            Total = (int)(progress.BytesTotal >> 20),
        });

        try
        {
            LogReportDocument report;
            if (source == LogSource.Sql)
            {
                context.Events.Log(LogLevel.Information, $"reading the server's logs over SQL as {context.Connector.Cluster}");
                report = await LogAnalyzer.AnalyzeOverSqlAsync(ct => context.Connector.OpenAsync(null, ct), settings, Progress, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                context.Events.Log(LogLevel.Information, $"reading logs from {string.Join(", ", paths)}");
                report = LogAnalyzer.Analyze(paths, settings, Progress, cancellationToken);
            }

            foreach (var warning in report.Input.Warnings)
            {
                context.Events.Log(LogLevel.Warning, warning);
            }

            var o = report.Overview;
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"{report.Input.Entries} entries from {report.Input.Files.Count} file(s), {report.Input.Bytes / 1048576.0:0.#} MB in {report.Input.ElapsedMs / 1000:0.00} s: " +
                $"{o.Queries} queries ({o.DistinctQueries} distinct), {o.Errors} errors, {o.Sessions} sessions, {report.Input.SkippedLines} line(s) skipped"));
            return report;
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
