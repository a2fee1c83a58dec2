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

    public MaintenanceWindow(string name, string cron, TimeSpan duration, TimeZoneInfo timeZone)
    {
        Name = name;
        Cron = cron;
        _cron = Parse(cron);
        Duration = duration;
        TimeZone = timeZone;
    }

    public string Name { get; }
    public string Cron { get; }
    public TimeSpan Duration { get; }
    public TimeZoneInfo TimeZone { get; }

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
