using System.Globalization;
using System.Text.RegularExpressions;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// Where a 24-hex-digit WAL segment file name ends as a WAL position. The positions themselves (<c>X/Y</c> in hex) are
/// Npgsql's <see cref="NpgsqlLogSequenceNumber"/>: parsed, compared and formatted by it.
/// </summary>
public static partial class WalPosition
{
    /// <summary>PostgreSQL's default WAL segment size (initdb --wal-segsize).</summary>
    public const long DefaultSegmentSize = 16L * 1024 * 1024;

    /// <summary>The LSN just past the end of a segment (e.g. <c>000000010000000000000004</c> → 0/5000000).</summary>
    public static NpgsqlLogSequenceNumber? SegmentEnd(string? segment, long segmentSize = DefaultSegmentSize)
    {
        if (segment is null || !SegmentPattern().IsMatch(segment))
        {
            return null;
        }

        var log = ulong.Parse(segment.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var seg = ulong.Parse(segment.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var segmentsPerLog = 0x1_0000_0000UL / (ulong)segmentSize;
        return new NpgsqlLogSequenceNumber((log * segmentsPerLog + seg + 1) * (ulong)segmentSize);
    }

    [GeneratedRegex("^[0-9A-F]{24}$")]
    private static partial Regex SegmentPattern();
}
