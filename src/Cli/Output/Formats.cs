using System.Globalization;

namespace StackGres.Ops.Cli.Output;

/// <summary>Times and durations as the CLI prints them.</summary>
public static class Formats
{
    /// <summary>ISO 8601 in UTC, to the second: <c>2025-03-30T01:30:00Z</c>.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Duration(double? milliseconds) => milliseconds switch
    {
        null => "-",
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F0} ms"),
        < 60_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:F1} s"),
        _ => Span(TimeSpan.FromMilliseconds(milliseconds.Value)),
    };

    /// <summary>A byte count for people: <c>94.2 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:F1} {units[unit]}");
    }

    /// <summary>A span in its two largest units: <c>3d 4h</c>, <c>2h 5m</c>, <c>4m 10s</c>.</summary>
    public static string Span(TimeSpan span)
    {
        var sign = span < TimeSpan.Zero ? "-" : string.Empty;
        span = span.Duration();
        return sign + (span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds}s"
            : $"{span.Seconds}s");
    }
}
