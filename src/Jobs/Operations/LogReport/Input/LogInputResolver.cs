using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>From the files a source offers to the files to read: detected, within the time range, and in time order.</summary>
internal static class LogInputResolver
{
    /// <param name="where">Where the candidates came from, for messages ("/var/log/postgresql", "the server's log directory 'log'").</param>
    /// <param name="serverPrefix">The server's log_line_prefix when the source knows it: used for stderr files when none is given and it fits.</param>
    public static LogInputSet Resolve(ILogSource source, IReadOnlyList<LogFileCandidate> candidates, string where, LogReportSettings settings,
        string? serverPrefix, List<string> warnings, CancellationToken cancellationToken)
    {
        var from = settings.From is { } start ? LogTimestamp.FromDateTime(start) : long.MinValue;
        var files = new List<(LogInputFile File, bool FromDirectory, byte[] Head)>();
        var outsideRange = 0;
        foreach (var candidate in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (candidate.Size == 0)
            {
                continue;
            }

            if (candidate.LastModified < from)
            {
                // Last written before the range starts: none of its entries can be in it.
                outsideRange++;
                continue;
            }

            var path = candidate.Path;
            var head = FormatDetector.ReadHead(source, candidate, out var compressed, cancellationToken);
            if (FormatDetector.BinaryReason(head) is { } reason)
            {
                warnings.Add($"{path} was skipped: {reason}.");
                continue;
            }

            var format = settings.Format == LogFormat.Auto ? FormatDetector.Detect(head) : settings.Format;
            var endsWithNewline = compressed || EndsWithNewline(source, candidate, head);
            files.Add((new LogInputFile(path, format, candidate.Size, compressed, FormatDetector.FirstTime(head), endsWithNewline), candidate.FromDirectory, head));
        }

        if (files.Count == 0)
        {
            throw new LogInputException(
                warnings.Count > 0 ? "No readable log file: " + string.Join(" ", warnings)
                : outsideRange > 0 ? $"No log file in {where} was written to at or after {settings.From:yyyy-MM-dd HH:mm:ss} (the 'from' time): all {outsideRange} end before it."
                : $"No log file with content in {where}.");
        }

        var formats = files.Where(f => f.FromDirectory).Select(f => f.File.Format).Distinct().ToList();
        if (settings.Format == LogFormat.Auto && formats.Count > 1)
        {
            // log_destination = 'stderr,csvlog,jsonlog' writes every message three times: read one format only.
            var keep = formats.Contains(LogFormat.Json) ? LogFormat.Json : LogFormat.Csv;
            warnings.Add($"The directory holds logs in several formats ({string.Join(", ", formats.Select(Name))}); only the " +
                         $"{Name(keep)} files were read, as they hold the same messages. Set the format to choose another.");
            files.RemoveAll(f => f.FromDirectory && f.File.Format != keep);
        }

        var prefix = ResolvePrefix(files.Where(f => f.File.Format == LogFormat.Stderr).Select(f => (f.File.Path, f.Head)).ToList(), settings,
            serverPrefix, warnings);
        var ordered = files.Select(f => f.File).OrderBy(f => f.FirstTime).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        return new LogInputSet(ordered, prefix, outsideRange);
    }

    public static string Name(LogFormat format) => format switch
    {
        LogFormat.Csv => "csvlog",
        LogFormat.Json => "jsonlog",
        _ => "stderr",
    };

    private static LogLinePrefix? ResolvePrefix(List<(string Path, byte[] Head)> stderrFiles, LogReportSettings settings, string? serverPrefix,
        List<string> warnings)
    {
        if (stderrFiles.Count == 0)
        {
            return settings.Prefix is null ? null : Parse(settings.Prefix);
        }

        var (path, head) = stderrFiles[0];
        if (settings.Prefix is not null)
        {
            var prefix = Parse(settings.Prefix);
            var rate = PrefixDetector.MatchRate(prefix, head);
            if (rate < 0.5)
            {
                warnings.Add($"Only {rate:P0} of the first lines of {path} match log_line_prefix '{prefix.Text}': is it the prefix the server used?");
            }

            return prefix;
        }

        if (serverPrefix is not null && LogLinePrefix.TryParse(serverPrefix, out var server, out _) && PrefixDetector.MatchRate(server!, head) >= 0.5)
        {
            // The server's own log_line_prefix, when its files were written with it.
            return server;
        }

        var (detected, detectedRate) = PrefixDetector.Detect(head);
        if (detected is null || detectedRate < 0.5)
        {
            throw new LogInputException(
                $"Could not recognise the log_line_prefix of {path}: give it as the prefix parameter " +
                "(the value of log_line_prefix in postgresql.conf, e.g. '%m [%p] ').");
        }

        return detected;
    }

    private static LogLinePrefix Parse(string text) =>
        LogLinePrefix.TryParse(text, out var prefix, out var error) ? prefix! : throw new LogInputException(error!);

    private static bool EndsWithNewline(ILogSource source, LogFileCandidate file, byte[] head)
    {
        if (head.Length == file.Size)
        {
            return head[^1] == '\n';
        }

        Span<byte> last = stackalloc byte[1];
        return source.ReadAt(file.Path, last, file.Size - 1) == 1 && last[0] == '\n';
    }
}
