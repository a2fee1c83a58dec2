using System.Globalization;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>Write-ahead log positions: LSNs written <c>X/Y</c> (hex) and 24-hex-digit segment file names.</summary>
public static partial class WalPosition
{
    /// <summary>PostgreSQL's default WAL segment size (initdb --wal-segsize).</summary>
    public const long DefaultSegmentSize = 16L * 1024 * 1024;

    public static bool TryParseLsn(string? text, out ulong lsn)
    {
        lsn = 0;
        var match = text is null ? null : LsnPattern().Match(text);
        if (match is null || !match.Success)
        {
            return false;
        }

        var high = ulong.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var low = ulong.Parse(match.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lsn = (high << 32) | low;
        return true;
    }

    public static string FormatLsn(ulong lsn) =>
        string.Create(CultureInfo.InvariantCulture, $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}");

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

    [GeneratedRegex("^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")]
    private static partial Regex LsnPattern();

    [GeneratedRegex("^[0-9A-F]{24}$")]
    private static partial Regex SegmentPattern();
}
