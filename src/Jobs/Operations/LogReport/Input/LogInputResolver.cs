using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>From the paths a user gave (files and directories) to the files to read, detected and in time order.</summary>
internal static class LogInputResolver
{
    public static (List<LogInputFile> Files, LogLinePrefix? Prefix) Resolve(IReadOnlyList<string> paths, LogReportSettings settings, List<string> warnings)
    {
        if (paths.Count == 0)
        {
            throw new LogInputException("No log file given: name files or a log directory.");
        }

        var candidates = new List<(string Path, bool FromDirectory)>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                candidates.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, true)));
            }
            else if (File.Exists(path))
            {
                candidates.Add((path, false));
            }
            else
            {
                throw new LogInputException($"'{path}' is neither a file nor a directory.");
            }
        }

        var files = new List<(LogInputFile File, bool FromDirectory, byte[] Head)>();
        foreach (var (path, fromDirectory) in candidates)
        {
            var size = new FileInfo(path).Length;
            if (size == 0)
            {
                continue;
            }

            var compressed = FormatDetector.IsGzip(path);
            var head = FormatDetector.ReadHead(path, compressed);
            if (FormatDetector.BinaryReason(head) is { } reason)
            {
                warnings.Add($"{path} was skipped: {reason}.");
                continue;
            }

            var format = settings.Format == LogFormat.Auto ? FormatDetector.Detect(head) : settings.Format;
            var endsWithNewline = compressed || EndsWithNewline(path, size);
            files.Add((new LogInputFile(path, format, size, compressed, FormatDetector.FirstTime(head), endsWithNewline), fromDirectory, head));
        }

        if (files.Count == 0)
        {
            throw new LogInputException(warnings.Count > 0
                ? "No readable log file: " + string.Join(" ", warnings)
                : $"No log file with content in {string.Join(", ", paths)}.");
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

        var prefix = ResolvePrefix(files.Where(f => f.File.Format == LogFormat.Stderr).Select(f => (f.File.Path, f.Head)).ToList(), settings, warnings);
        var ordered = files.Select(f => f.File).OrderBy(f => f.FirstTime).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        return (ordered, prefix);
    }

    public static string Name(LogFormat format) => format switch
    {
        LogFormat.Csv => "csvlog",
        LogFormat.Json => "jsonlog",
        _ => "stderr",
    };

    private static LogLinePrefix? ResolvePrefix(List<(string Path, byte[] Head)> stderrFiles, LogReportSettings settings, List<string> warnings)
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

    private static bool EndsWithNewline(string path, long size)
    {
        using var handle = File.OpenHandle(path);
        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(handle, last, size - 1) == 1 && last[0] == '\n';
    }
}
