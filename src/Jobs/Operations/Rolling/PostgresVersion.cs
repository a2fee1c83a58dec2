using System.Globalization;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>A PostgreSQL version as printed by <c>postgres --version</c> ("postgres (PostgreSQL) 15.10 (Debian ...)").</summary>
public sealed partial record PostgresVersion(int Major, int Minor)
{
    public static PostgresVersion? Parse(string text)
    {
        var match = VersionPattern().Match(text ?? string.Empty);
        return match.Success
            ? new PostgresVersion(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
