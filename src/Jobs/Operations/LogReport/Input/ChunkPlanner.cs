using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// Splits large plain files at message boundaries so that several cores can read one file: jsonlog
/// at any line, csvlog where a record starts, stderr where a line with the prefix starts a message.
/// Compressed files are read whole.
/// </summary>
internal static class ChunkPlanner
{
    private const int ProbeSize = 1 << 20;

    public static List<LogChunk> Plan(ILogSource source, IReadOnlyList<LogInputFile> files, LogLinePrefix? prefix, long chunkSize,
        CancellationToken cancellationToken)
    {
        var chunks = new List<LogChunk>();
        for (var index = 0; index < files.Count; index++)
        {
            var file = files[index];
            var pieces = file.Compressed ? 1 : (int)Math.Max(1, file.Size / chunkSize);
            var start = 0L;
            if (pieces > 1)
            {
                var probe = new byte[ProbeSize];
                for (var piece = 1; piece < pieces; piece++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var boundary = FindBoundary(source, probe, file, prefix, file.Size * piece / pieces);
                    if (boundary > start && boundary < file.Size)
                    {
                        chunks.Add(new LogChunk(file, index, start, boundary));
                        start = boundary;
                    }
                }
            }

            chunks.Add(new LogChunk(file, index, start, file.Size));
        }

        return chunks;
    }

    /// <summary>The offset of the first message start at or after <paramref name="offset"/>; -1 when none is near.</summary>
    private static long FindBoundary(ILogSource source, byte[] buffer, LogInputFile file, LogLinePrefix? prefix, long offset)
    {
        var read = source.ReadAt(file.Path, buffer.AsSpan(0, (int)Math.Min(buffer.Length, file.Size - offset)), offset);
        var data = buffer.AsSpan(0, read);
        var entry = new LogEntry();
        var clock = new LogTimestamp();
        var position = data.IndexOf((byte)'\n');
        while (position >= 0 && position + 1 < data.Length)
        {
            var lineStart = position + 1;
            var next = data[lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return -1;
            }

            var line = data.Slice(lineStart, next);
            var isStart = file.Format switch
            {
                LogFormat.Json => true,
                LogFormat.Csv => FormatDetector.LooksLikeCsvRecordStart(line),
                _ => !line.IsEmpty && line[0] != '\t' && prefix is not null &&
                     StartsMessage(prefix, line, entry, clock),
            };
            if (isStart)
            {
                return offset + lineStart;
            }

            position = lineStart + next;
        }

        return -1;
    }

    private static bool StartsMessage(LogLinePrefix prefix, ReadOnlySpan<byte> line, LogEntry entry, LogTimestamp clock)
    {
        entry.Clear();
        return prefix.TryMatch(line, entry, clock, out var severity, out _) && SeverityNames.IsMain(severity);
    }
}
