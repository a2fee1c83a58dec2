namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>Finds the pg_repack client: $OPS_PG_REPACK, the Debian package's location, or PATH.</summary>
public static class PgRepackBinary
{
    public const string PathVariable = "OPS_PG_REPACK";

    public const string NotFound =
        "The pg_repack client is not installed where the runner runs: install the Debian package postgresql-15-repack " +
        "(apt-get install postgresql-15-repack) or set OPS_PG_REPACK to its path.";

    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var packaged = Directory.EnumerateDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin", "pg_repack"))
                .Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0)
                .FirstOrDefault();
            if (packaged is not null)
            {
                return packaged;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "pg_repack"))
            .FirstOrDefault(File.Exists);
    }
}
