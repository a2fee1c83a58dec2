using System.IO.Compression;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>Looks at the head of a file: compressed or not, text or binary, and which of the three log formats.</summary>
internal static class FormatDetector
{
    public const int HeadSize = 64 * 1024;

    public static bool IsGzip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1f && start[1] == 0x8b;

    /// <summary>The first bytes of the file, decompressed when it is gzip (<paramref name="compressed"/>).</summary>
    public static byte[] ReadHead(ILogSource source, LogFileCandidate file, out bool compressed, CancellationToken cancellationToken)
    {
        var raw = new byte[Math.Min(HeadSize, file.Size)];
        var read = source.ReadAt(file.Path, raw, 0);
        compressed = IsGzip(raw.AsSpan(0, read));
        if (!compressed)
        {
            return read == raw.Length ? raw : raw[..read];
        }

        using var stream = new GZipStream(source.OpenRead(file.Path, 0, file.Size, cancellationToken), CompressionMode.Decompress);
        var buffer = new byte[HeadSize];
        read = 0;
        try
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException)
        {
            // A damaged gzip stream: whatever was decompressed is the head.
        }

        return buffer[..read];
    }

    /// <summary>Null when the head looks like text; otherwise why it does not.</summary>
    public static string? BinaryReason(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return null;
        }

        if (head.IndexOf((byte)0) >= 0)
        {
            return "it holds NUL bytes (a binary file, not a PostgreSQL log)";
        }

        var control = 0;
        foreach (var c in head)
        {
            if (c < 0x20 && c is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
            {
                control++;
            }
        }

        var validUtf8 = System.Text.Unicode.Utf8.IsValid(TrimIncompleteTail(head));
        return control * 20 > head.Length || (!validUtf8 && control > 0)
            ? "it is mostly control characters (a binary file, not a PostgreSQL log)"
            : null;
    }

    public static LogFormat Detect(ReadOnlySpan<byte> head)
    {
        var line = FirstLine(head);
        if (!line.IsEmpty && line[0] == '{')
        {
            return LogFormat.Json;
        }

        return LooksLikeCsvRecordStart(line) ? LogFormat.Csv : LogFormat.Stderr;
    }

    /// <summary>"2024-05-01 13:45:12.345 UTC," — how every csvlog record begins.</summary>
    public static bool LooksLikeCsvRecordStart(ReadOnlySpan<byte> line)
    {
        if (!new LogTimestamp().TryParse(line, out _, out _, out var consumed))
        {
            return false;
        }

        var rest = line[consumed..];
        var comma = rest.IndexOf((byte)',');
        return comma >= 0 && comma <= 7 && rest[..comma].IndexOf((byte)'"') < 0;
    }

    /// <summary>The first timestamp in the head, for putting rotated files in order.</summary>
    public static long FirstTime(ReadOnlySpan<byte> head)
    {
        var clock = new LogTimestamp();
        foreach (var range in head.Split((byte)'\n'))
        {
            var line = head[range];
            for (var i = 0; i + 19 <= line.Length && i < 64; i++)
            {
                if (clock.TryParse(line[i..], out var seconds, out _, out _))
                {
                    return seconds;
                }
            }
        }

        return long.MaxValue;
    }

    private static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> head)
    {
        foreach (var range in head.Split((byte)'\n'))
        {
            var line = head[range].TrimEnd((byte)'\r');
            if (!line.IsEmpty)
            {
                return line;
            }
        }

        return default;
    }

    private static ReadOnlySpan<byte> TrimIncompleteTail(ReadOnlySpan<byte> head)
    {
        // The head may end in the middle of a multi-byte character.
        var end = head.Length;
        for (var i = 0; i < 3 && end > 0 && (head[end - 1] & 0x80) != 0; i++)
        {
            end--;
        }

        return head[..end];
    }
}
