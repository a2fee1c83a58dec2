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

    [GeneratedRegex(@"^\s*(?<number>[0-9]{1,9})\s*(?<unit>us|ms|s|min|h|d)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
