using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>Finds which log_line_prefix a stderr log was written with, among the common ones, or how well a given one fits.</summary>
internal static class PrefixDetector
{
    private const int SampleLines = 500;

    /// <summary>The share (0..1) of the first prefixed-looking lines of <paramref name="head"/> that match.</summary>
    public static double MatchRate(LogLinePrefix prefix, ReadOnlySpan<byte> head)
    {
        var entry = new LogEntry();
        var clock = new LogTimestamp();
        var lines = 0;
        var matched = 0;
        foreach (var range in head.Split((byte)'\n'))
        {
            var line = head[range].TrimEnd((byte)'\r');
            if (line.IsEmpty || line[0] == '\t')
            {
                continue;
            }

            if (range.End.Value >= head.Length)
            {
                break; // possibly cut by the head size
            }

            lines++;
            entry.Clear();
            if (prefix.TryMatch(line, entry, clock, out _, out _))
            {
                matched++;
            }

            if (lines >= SampleLines)
            {
                break;
            }
        }

        return lines == 0 ? 1 : (double)matched / lines;
    }

    public static (LogLinePrefix? Prefix, double Rate) Detect(ReadOnlySpan<byte> head)
    {
        LogLinePrefix? best = null;
        var bestRate = 0.0;
        foreach (var text in LogLinePrefix.WellKnown)
        {
            var prefix = LogLinePrefix.Parse(text);
            var rate = MatchRate(prefix, head);
            if (rate > bestRate + 0.001)
            {
                best = prefix;
                bestRate = rate;
            }
        }

        return (best, bestRate);
    }
}
