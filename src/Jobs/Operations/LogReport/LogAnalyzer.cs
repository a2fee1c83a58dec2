using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Npgsql;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;
using StackGres.Ops.Jobs.Operations.LogReport.Report;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>
/// Reads PostgreSQL logs (stderr with any prefix, csvlog, jsonlog; plain or gzip) and builds the
/// report. Large files are split at message boundaries and read by several threads, each folding
/// into its own aggregator; the aggregators are merged at the end.
/// </summary>
public static class LogAnalyzer
{
    /// <summary>Reads log files and directories on this machine.</summary>
    public static LogReportDocument Analyze(IReadOnlyList<string> paths, LogReportSettings settings, Action<LogProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        return Analyze(LocalLogSource.Instance, LocalLogSource.List(paths), string.Join(", ", paths), null, settings, progress, clock, cancellationToken);
    }

    /// <summary>
    /// Reads the server's own log files over SQL: <c>pg_ls_logdir()</c> lists them, <c>pg_read_binary_file</c> reads them, on up
    /// to <see cref="SqlLogSource.MaxConnections"/> connections from <paramref name="open"/>. A role without the grants this
    /// needs is refused with a <see cref="LogInputException"/> that names them.
    /// </summary>
    public static async Task<LogReportDocument> AnalyzeOverSqlAsync(Func<CancellationToken, Task<NpgsqlConnection>> open, LogReportSettings settings,
        Action<LogProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        var (source, candidates) = await SqlLogSource.OpenAsync(open, settings.Jobs, Math.Max(4096, settings.SqlBlockSize), cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            return Analyze(source, candidates, source.Where, source.Settings.LogLinePrefix, settings, progress, clock, cancellationToken);
        }
    }

    /// <summary>Reads the files <paramref name="source"/> offers.</summary>
    /// <param name="where">Where the candidates came from, for messages.</param>
    /// <param name="serverPrefix">The server's log_line_prefix, when the source knows it.</param>
    /// <param name="clock">Started when the work began (listing included), for the report's elapsed time.</param>
    internal static LogReportDocument Analyze(ILogSource source, IReadOnlyList<LogFileCandidate> candidates, string where, string? serverPrefix,
        LogReportSettings settings, Action<LogProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var (files, prefix, outsideRange) = LogInputResolver.Resolve(source, candidates, where, settings, serverPrefix, warnings, cancellationToken);
        var options = new AggregatorOptions(
            settings.From is { } from ? LogTimestamp.FromDateTime(from) : long.MinValue,
            settings.To is { } to ? LogTimestamp.FromDateTime(to) : long.MaxValue,
            Math.Max(1, (long)settings.Bucket.TotalSeconds),
            Math.Max(1, settings.Top));
        var chunks = ChunkPlanner.Plan(source, files, prefix, Math.Max(1 << 20, settings.ChunkSize), cancellationToken);
        var threads = Math.Clamp(Math.Min(settings.Jobs, source.MaxParallelReads), 1, Math.Max(1, chunks.Count));
        var counters = files.Select(_ => new ReadCounters()).ToArray();
        var total = files.Sum(f => f.Size);
        long read = 0;
        long reported = 0;
        LogAggregator? merged = null;
        var gate = new Lock();

        try
        {
            ReadChunks();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // A reader's failure as it was thrown (a LogInputException says why in a sentence), not wrapped.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        void ReadChunks() => Parallel.ForEach(
            chunks,
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            () => new LogAggregator(options),
            (chunk, _, aggregator) =>
            {
                var reader = CreateReader(chunk.File.Format, prefix, aggregator);
                ChunkReader.Read(source, chunk, reader, bytes =>
                {
                    var now = Interlocked.Add(ref read, bytes);
                    var last = Interlocked.Read(ref reported);
                    if (progress is not null && now - last >= total / 20 && Interlocked.CompareExchange(ref reported, now, last) == last)
                    {
                        progress(new LogProgress(now, total, files.Count));
                    }
                }, cancellationToken);
                aggregator.Complete();
                if (!chunk.IsLast && reader.Counters.Warnings.Count > 0)
                {
                    // A chunk that is not the end of its file always "ends without a line break".
                    reader.Counters.Warnings.Clear();
                }

                lock (gate)
                {
                    counters[chunk.FileIndex].Merge(reader.Counters);
                }

                return aggregator;
            },
            aggregator =>
            {
                lock (gate)
                {
                    if (merged is null)
                    {
                        merged = aggregator;
                    }
                    else
                    {
                        merged.Merge(aggregator);
                    }
                }
            });

        progress?.Invoke(new LogProgress(total, total, files.Count));
        merged ??= new LogAggregator(options);
        var reportFiles = files.Select((f, i) => new ReportFile
        {
            Path = f.Path,
            Format = LogInputResolver.Name(f.Format),
            Bytes = f.Size,
            Compressed = f.Compressed,
            Lines = counters[i].Lines,
            Entries = counters[i].Entries,
            SkippedLines = counters[i].SkippedLines,
            SkippedExamples = counters[i].SkippedSamples,
            Warnings = counters[i].Warnings.Distinct(StringComparer.Ordinal).ToList(),
        }).ToList();
        var entries = counters.Sum(c => c.Entries);
        var skipped = counters.Sum(c => c.SkippedLines);
        foreach (var file in reportFiles.Where(f => f.SkippedLines > 0))
        {
            warnings.Add($"{file.Path}: {file.SkippedLines} of {file.Lines} line(s) could not be read and were skipped" +
                         (file.SkippedExamples.Count > 0 ? $" (first: {file.SkippedExamples[0]})" : string.Empty) + ".");
        }

        warnings.AddRange(reportFiles.SelectMany(f => f.Warnings.Select(w => $"{f.Path}: {w}.")));
        if (entries == 0)
        {
            throw new LogInputException(
                $"No log entry could be read from {string.Join(", ", files.Select(f => f.Path))}. {string.Join(" ", warnings)}".Trim());
        }

        var input = new ReportInput
        {
            Source = source.Name,
            Files = reportFiles,
            FilesOutsideRange = outsideRange,
            Prefix = prefix?.Text,
            From = settings.From,
            To = settings.To,
            Bytes = total,
            Lines = counters.Sum(c => c.Lines),
            Entries = entries,
            SkippedLines = skipped,
            FilteredOutEntries = merged.FilteredOut,
            Warnings = warnings,
            Threads = threads,
            ElapsedMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
        };
        return ReportBuilder.Build(merged, input, DateTimeOffset.UtcNow);
    }

    private static ILogReader CreateReader(LogFormat format, LogLinePrefix? prefix, LogAggregator aggregator) => format switch
    {
        LogFormat.Csv => new CsvLogReader(aggregator),
        LogFormat.Json => new JsonLogReader(aggregator),
        _ => new StderrReader(prefix ?? throw new LogInputException("A stderr log needs its log_line_prefix."), aggregator),
    };
}
