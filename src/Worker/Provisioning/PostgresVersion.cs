using System.Globalization;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>A PostgreSQL release, major.minor (<c>15.10</c>), of a major the renderer knows.</summary>
public readonly partial record struct PostgresVersion(int Major, int Minor)
{
    /// <summary>The majors with a tuning and an image: the supported PostgreSQL releases.</summary>
    public static readonly IReadOnlyList<int> KnownMajors = [13, 14, 15, 16, 17];

    /// <summary>
    /// The default image: StackGres's PostgreSQL + Patroni image, whose tag carries the PostgreSQL version and a
    /// StackGres build. Pin <see cref="ClusterSpec.Image"/> to the tag a registry of yours really has.
    /// </summary>
    public const string DefaultImageTemplate = "quay.io/ongres/patroni:v3.2.0-pg{0}-build-6.29";

    public string DefaultImage => string.Format(CultureInfo.InvariantCulture, DefaultImageTemplate, this);

    /// <summary>Null with a reason when the text is not major.minor of a known major.</summary>
    public static PostgresVersion? TryParse(string? text, out string? problem)
    {
        var match = Shape().Match(text ?? string.Empty);
        if (!match.Success ||
            !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var major) ||
            !int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out var minor))
        {
            problem = $"must be a PostgreSQL version major.minor, e.g. 15.10 (got '{text}')";
            return null;
        }

        if (!KnownMajors.Contains(major))
        {
            problem = $"names PostgreSQL {major}, an unknown major; known: {string.Join(", ", KnownMajors)} (got '{text}')";
            return null;
        }

        problem = null;
        return new PostgresVersion(major, minor);
    }

    public static PostgresVersion Parse(string text) =>
        TryParse(text, out var problem) ?? throw new FormatException(problem);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    [GeneratedRegex(@"^(\d{1,2})\.(\d{1,3})$")]
    private static partial Regex Shape();
}
