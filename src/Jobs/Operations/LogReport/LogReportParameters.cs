using System.Globalization;
using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations.LogReport.Input;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>The parameters of the log-report operation, and the parsing shared with the command line.</summary>
public static class LogReportParameters
{
    public const string SourceName = "source";
    public const string LogDirectoryName = "logDirectory";
    public const string FilesName = "files";
    public const string FormatName = "format";
    public const string PrefixName = "prefix";
    public const string BucketName = "bucket";
    public const string FromName = "from";
    public const string ToName = "to";
    public const string TopName = "top";
    public const string JobsName = "jobs";

    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"];

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(SourceName, ParameterType.String,
            "Where the logs are read: 'files' (logDirectory or files, as the runner sees them), 'sql' (the server's own log_directory, " +
            "read over its SQL connection with pg_ls_logdir() and pg_read_binary_file(); needs a superuser, or pg_monitor and EXECUTE on " +
            "pg_read_binary_file(text, bigint, bigint)), or 'auto': files when logDirectory or files is given, sql otherwise.",
            JsonValue.Create(LogSource.Auto)) { AllowedValues = [LogSource.Auto, LogSource.Files, LogSource.Sql] },
        new(LogDirectoryName, ParameterType.String,
            "Directory holding the PostgreSQL logs, as the runner sees it (the server's log_directory locally, the log volume in Kubernetes). " +
            "Every file in it is read; when it holds several formats, only jsonlog (else csvlog) files are. For source 'files'."),
        new(FilesName, ParameterType.StringArray, "Log files to read (plain or gzip), in any order: they are read in time order. For source 'files'."),
        new(FormatName, ParameterType.String, "Log format: auto, stderr, csv or json.", JsonValue.Create("auto")),
        new(PrefixName, ParameterType.String,
            "log_line_prefix of stderr logs, as in postgresql.conf (e.g. '%m [%p] %q%u@%d '). Default: over SQL the server's own when its " +
            "files were written with it, otherwise recognised among the common ones."),
        new(BucketName, ParameterType.String, "Time series bucket: a number and s, m, h or d (e.g. 15m, 1h).", JsonValue.Create("1h")),
        new(FromName, ParameterType.String,
            "Only entries at or after this time, as written in the log ('yyyy-MM-dd HH:mm:ss'). Over SQL, files last written before it are not read."),
        new(ToName, ParameterType.String, "Only entries before this time, as written in the log ('yyyy-MM-dd HH:mm:ss')."),
        new(TopName, ParameterType.Integer, "How many queries each top list keeps.", JsonValue.Create(20)),
        new(JobsName, ParameterType.Integer,
            "Threads reading the logs (over SQL, each on a connection of its own, at most 4). Default: one per core for files, one over SQL."),
    ];

    public static LogFormat ParseFormat(string? value, List<string> errors)
    {
        switch (value?.ToLowerInvariant())
        {
            case null or "auto":
                return LogFormat.Auto;
            case "stderr":
                return LogFormat.Stderr;
            case "csv" or "csvlog":
                return LogFormat.Csv;
            case "json" or "jsonlog":
                return LogFormat.Json;
            default:
                errors.Add($"Unknown log format '{value}'. Known: auto, stderr, csv, json.");
                return LogFormat.Auto;
        }
    }

    public static TimeSpan ParseBucket(string? value, List<string> errors)
    {
        if (value is null)
        {
            return TimeSpan.FromHours(1);
        }

        var unit = value.Length > 0 ? value[^1] : ' ';
        if (int.TryParse(value.AsSpan(0, Math.Max(0, value.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            TimeSpan? bucket = unit switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                'd' => TimeSpan.FromDays(number),
                _ => null,
            };
            if (bucket is { } valid)
            {
                return valid;
            }
        }

        errors.Add($"Bucket '{value}' is not a duration such as 30s, 15m, 1h or 1d.");
        return TimeSpan.FromHours(1);
    }

    public static DateTime? ParseTime(string name, string? value, List<string> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTime.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors.Add($"'{name}' must be a time as written in the log, 'yyyy-MM-dd HH:mm:ss', got '{value}'.");
        return null;
    }

    /// <summary>Binds validated values; problems are added to <paramref name="errors"/>.</summary>
    /// <returns>The settings, the source (<see cref="LogSource.Files"/> or <see cref="LogSource.Sql"/>, 'auto' decided) and the paths for files.</returns>
    public static (LogReportSettings Settings, string Source, List<string> Paths) From(ParameterValues values, List<string> errors)
    {
        var settings = new LogReportSettings
        {
            Format = ParseFormat(values.GetString(FormatName), errors),
            Prefix = values.GetString(PrefixName),
            Bucket = ParseBucket(values.GetString(BucketName), errors),
            From = ParseTime(FromName, values.GetString(FromName), errors),
            To = ParseTime(ToName, values.GetString(ToName), errors),
            Top = (int)Math.Clamp(values.GetInteger(TopName, 20), 1, 1000),
            Jobs = (int)Math.Clamp(values.GetInteger(JobsName, Environment.ProcessorCount), 1, 256),
        };
        var paths = new List<string>(values.GetStrings(FilesName));
        if (values.GetString(LogDirectoryName) is { } directory)
        {
            paths.Add(directory);
        }

        var source = values.GetString(SourceName) ?? LogSource.Auto;
        if (source == LogSource.Auto)
        {
            source = paths.Count > 0 ? LogSource.Files : LogSource.Sql;
        }

        if (source == LogSource.Sql && !values.Has(JobsName))
        {
            // A second connection made reading slower where the runner shares the server's cores (bench/log-report/README.md).
            settings = settings with { Jobs = 1 };
        }

        if (source == LogSource.Files && paths.Count == 0)
        {
            errors.Add($"Give '{LogDirectoryName}' or '{FilesName}': where the logs are (or source '{LogSource.Sql}' to read the server's own logs over SQL).");
        }
        else if (source == LogSource.Sql && paths.Count > 0)
        {
            errors.Add($"'{LogDirectoryName}' and '{FilesName}' name files where the runner runs: leave them out with source '{LogSource.Sql}', " +
                       "which reads the server's own log directory.");
        }

        if (settings.Prefix is not null && !Parsing.LogLinePrefix.TryParse(settings.Prefix, out _, out var prefixError))
        {
            errors.Add(prefixError!);
        }

        if (settings.From is { } from && settings.To is { } to && to <= from)
        {
            errors.Add("'to' must be after 'from'.");
        }

        if (values.Has(TopName) && values.GetInteger(TopName, 20) is < 1 or > 1000)
        {
            errors.Add("'top' must be between 1 and 1000.");
        }

        return (settings, source, paths);
    }
}
