using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>
/// The job runner's <c>log-report</c> verb: reads log files, or with --sql the server's own logs over SQL, and writes the
/// report, as HTML or JSON by the output's extension (both with --json). Exit codes: 0 done, 1 the logs could not be
/// read, 2 bad arguments.
/// </summary>
public static class LogReportCommand
{
    public const string Verb = "log-report";

    public const string Usage =
        "usage: StackGres.Ops.Jobs log-report [--format auto|stderr|csv|json] [--prefix LOG_LINE_PREFIX] [--bucket 1h]\n" +
        "         [--from TIME] [--to TIME] [--top 20] [--jobs N] [--out report.html|report.json] [--json report.json]\n" +
        "         FILE|DIR... | --sql CONNECTION_STRING (Npgsql's, e.g. 'Host=db;Username=postgres'; the password from $PGPASSWORD)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (settings, paths, sql, outPath, jsonPath, problems) = Parse(args);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
            }

            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        LogReportDocument report;
        try
        {
            report = sql is null
                ? LogAnalyzer.Analyze(paths, settings, null, cancellationToken)
                : await AnalyzeOverSqlAsync(sql, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (LogInputException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (NpgsqlException e)
        {
            await error.WriteLineAsync($"Could not read the server's logs: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        foreach (var warning in report.Input.Warnings)
        {
            await error.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
        }

        if (jsonPath is not null)
        {
            await WriteJsonAsync(report, jsonPath, cancellationToken).ConfigureAwait(false);
        }

        if (outPath is null || outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteJsonAsync(report, outPath ?? "-", cancellationToken, output).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(outPath, HtmlReportWriter.Render(report), cancellationToken).ConfigureAwait(false);
        }

        var o = report.Overview;
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{report.Input.Entries} entries ({report.Input.SkippedLines} lines skipped) from {report.Input.Files.Count} file(s), {report.Input.Bytes / 1048576.0:0.#} MB " +
            $"in {report.Input.ElapsedMs / 1000:0.00} s on {report.Input.Threads} thread(s): {o.Queries} queries ({o.DistinctQueries} distinct), " +
            $"{o.Errors} errors, {o.Sessions} sessions")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<LogReportDocument> AnalyzeOverSqlAsync(string connectionString, LogReportSettings settings, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "stackgres-ops/log-report", Pooling = false };
        if (string.IsNullOrEmpty(builder.Password) && Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        await using var source = NpgsqlDataSource.Create(builder);
        return await LogAnalyzer.AnalyzeOverSqlAsync(ct => source.OpenConnectionAsync(ct).AsTask(), settings, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(LogReportDocument report, string path, CancellationToken cancellationToken, TextWriter? console = null)
    {
        var json = JsonSerializer.Serialize(report, (JsonTypeInfo<LogReportDocument>)LogReportJson.Options.GetTypeInfo(typeof(LogReportDocument)));
        if (path == "-")
        {
            await (console ?? Console.Out).WriteLineAsync(json).ConfigureAwait(false);
            return;
        }

        await File.WriteAllTextAsync(path, json, cancellationToken).ConfigureAwait(false);
    }

    private static (LogReportSettings Settings, List<string> Paths, string? Sql, string? Out, string? Json, List<string> Problems) Parse(string[] args)
    {
        var settings = new LogReportSettings();
        var paths = new List<string>();
        var problems = new List<string>();
        string? sql = null;
        string? outPath = null;
        string? jsonPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                paths.Add(arg);
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problems.Add($"{arg} needs a value.");
                break;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--format":
                    settings = settings with { Format = LogReportParameters.ParseFormat(value, problems) };
                    break;
                case "--prefix":
                    settings = settings with { Prefix = value };
                    break;
                case "--bucket":
                    settings = settings with { Bucket = LogReportParameters.ParseBucket(value, problems) };
                    break;
                case "--from":
                    settings = settings with { From = LogReportParameters.ParseTime("from", value, problems) };
                    break;
                case "--to":
                    settings = settings with { To = LogReportParameters.ParseTime("to", value, problems) };
                    break;
                case "--top":
                    settings = settings with { Top = PositiveInt(arg, value, problems) };
                    break;
                case "--jobs":
                    settings = settings with { Jobs = PositiveInt(arg, value, problems) };
                    break;
                case "--out":
                    outPath = value;
                    break;
                case "--json":
                    jsonPath = value;
                    break;
                case "--sql":
                    sql = value;
                    try
                    {
                        _ = new NpgsqlConnectionStringBuilder(value);
                    }
                    catch (ArgumentException e)
                    {
                        problems.Add($"--sql is not a connection string: {e.Message}");
                    }

                    break;
                default:
                    problems.Add($"Unknown option {arg}.");
                    break;
            }
        }

        if (sql is not null && !args.Contains("--jobs"))
        {
            // As the operation: one connection unless told otherwise.
            settings = settings with { Jobs = 1 };
        }

        if (paths.Count == 0 && sql is null)
        {
            problems.Add("No log file or directory given (or --sql to read the server's own logs).");
        }
        else if (paths.Count > 0 && sql is not null)
        {
            problems.Add("Give log files or directories, or --sql, not both.");
        }

        if (settings.Prefix is not null && !Parsing.LogLinePrefix.TryParse(settings.Prefix, out _, out var prefixError))
        {
            problems.Add(prefixError!);
        }

        return (settings, paths, sql, outPath, jsonPath, problems);
    }

    private static int PositiveInt(string name, string value, List<string> problems)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            return number;
        }

        problems.Add($"{name} must be a positive integer, got '{value}'.");
        return 1;
    }
}
