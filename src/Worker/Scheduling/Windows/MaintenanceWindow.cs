using Cronos;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// When a maintenance window opens and how long it stays open, in its own time zone. Openings come
/// from Cronos, the cron library Hangfire itself uses, so a window means the same thing here, in the
/// dashboard and in the API. Daylight saving time follows Cronos's rules: an opening that falls in a
/// skipped hour happens once, at the transition; one in a repeated hour happens once, the first time.
/// </summary>
public sealed class MaintenanceWindow
{
    private readonly CronExpression _cron;

    public MaintenanceWindow(string name, string cron, TimeSpan duration, TimeZoneInfo timeZone, TimeSpan startSpread = default)
    {
        Name = name;
        Cron = cron;
        _cron = Parse(cron);
        Duration = duration;
        TimeZone = timeZone;
        StartSpread = startSpread;
    }

    public string Name { get; }
    public string Cron { get; }
    public TimeSpan Duration { get; }
    public TimeZoneInfo TimeZone { get; }

    /// <summary>How long after each opening the clusters' starts are spread over.</summary>
    public TimeSpan StartSpread { get; }

    /// <summary>
    /// When <paramref name="cluster"/> starts after an opening: a whole number of seconds in [0, StartSpread), from the
    /// first 8 bytes of SHA-256 over "window/cluster", so every replica, every restart and every opening agree.
    /// </summary>
    public TimeSpan StartOffset(string cluster)
    {
        var seconds = (ulong)StartSpread.TotalSeconds;
        if (seconds == 0)
        {
            return TimeSpan.Zero;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Name}/{cluster}"));
        return TimeSpan.FromSeconds(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % seconds);
    }

    /// <summary>Cron with 5 fields, or 6 with seconds first; throws <see cref="CronFormatException"/>.</summary>
    public static CronExpression Parse(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>The openings strictly after <paramref name="after"/>.</summary>
    public IEnumerable<WindowOccurrence> OpeningsAfter(DateTimeOffset after)
    {
        var from = after;
        while (_cron.GetNextOccurrence(from, TimeZone) is { } next)
        {
            yield return new WindowOccurrence(Name, next, next + Duration);
            from = next;
        }
    }

    /// <summary>The occurrence open at <paramref name="now"/>, if any.</summary>
    public WindowOccurrence? OpenAt(DateTimeOffset now)
    {
        WindowOccurrence? open = null;
        // The latest opening in (now - duration, now] is the one that may still be open.
        foreach (var occurrence in OpeningsAfter(now - Duration - TimeSpan.FromSeconds(1)))
        {
            if (occurrence.OpensAt > now)
            {
                break;
            }

            open = occurrence;
        }

        return open is { } found && found.ClosesAt > now ? found : null;
    }
}

/// <summary>One opening of a window: [OpensAt, ClosesAt).</summary>
public sealed record WindowOccurrence(string Window, DateTimeOffset OpensAt, DateTimeOffset ClosesAt)
{
    public bool Overlaps(WindowOccurrence other) => OpensAt < other.ClosesAt && other.OpensAt < ClosesAt;
}
