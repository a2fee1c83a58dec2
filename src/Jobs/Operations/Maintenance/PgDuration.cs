using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Durations written as PostgreSQL writes them in settings such as <c>lock_timeout</c>: a whole
/// number with an optional unit (us, ms, s, min, h, d; milliseconds when none), e.g. "5s", "500ms", "0".
/// </summary>
public static partial class PgDuration
{
    public static bool IsValid(string value) => Pattern().IsMatch(value);

    /// <summary>"0" (in any unit) means no limit, as in PostgreSQL.</summary>
    public static bool IsZero(string value)
    {
        var match = Pattern().Match(value);
        return match.Success && match.Groups["number"].Value.All(c => c == '0');
    }

    /// <summary>The duration as a <see cref="TimeSpan"/>; milliseconds when no unit is written, as in PostgreSQL.</summary>
    public static TimeSpan ToTimeSpan(string value)
    {
        var match = Pattern().Match(value);
        if (!match.Success)
        {
            throw new FormatException($"'{value}' is not a PostgreSQL duration.");
        }

        var number = long.Parse(match.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "us" => TimeSpan.FromMicroseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "min" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            "d" => TimeSpan.FromDays(number),
            _ => TimeSpan.FromMilliseconds(number),
        };
    }

    [GeneratedRegex(@"^\s*(?<number>[0-9]{1,9})\s*(?<unit>us|ms|s|min|h|d)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
