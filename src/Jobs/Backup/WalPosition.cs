using System.Globalization;
using System.Text.RegularExpressions;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>Write-ahead log positions: LSNs written <c>X/Y</c> (hex) and 24-hex-digit segment file names.</summary>
public static partial class WalPosition
{
    /// <summary>PostgreSQL's default WAL segment size (initdb --wal-segsize).</summary>
    public const long DefaultSegmentSize = 16L * 1024 * 1024;

    public static bool TryParseLsn(string? text, out ulong lsn)
    {
        lsn = 0;
        if (text is null || !NpgsqlLogSequenceNumber.TryParse(text, out var parsed))
        {
            return false;
        }

        lsn = (ulong)parsed;
        return true;
    }

    public static string FormatLsn(ulong lsn) => new NpgsqlLogSequenceNumber(lsn).ToString();

    /// <summary>The LSN just past the end of a segment (e.g. <c>000000010000000000000004</c> → 0/5000000).</summary>
    public static ulong? SegmentEnd(string? segment, long segmentSize = DefaultSegmentSize)
    {
        if (segment is null || !SegmentPattern().IsMatch(segment))
        {
            return null;
        }

        var log = ulong.Parse(segment.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var seg = ulong.Parse(segment.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var segmentsPerLog = 0x1_0000_0000UL / (ulong)segmentSize;
        return (log * segmentsPerLog + seg + 1) * (ulong)segmentSize;
    }

    [GeneratedRegex("^[0-9A-F]{24}$")]
    private static partial Regex SegmentPattern();
}
