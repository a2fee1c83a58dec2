namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>Locates the PostgreSQL server and client programs (initdb, pg_ctl, pgbench, psql, ...).</summary>
public sealed class PostgresBinaries
{
    /// <summary>Environment variable naming a directory that holds initdb and pg_ctl.</summary>
    public const string BinDirectoryVariable = "OPS_PG_BIN";

    internal const string NotFoundMessage =
        "PostgreSQL server binaries not found: install the Debian package postgresql-15 (apt-get install postgresql-15) " +
        "or set OPS_PG_BIN to the directory holding initdb and pg_ctl.";

    private const string DebianLibRoot = "/usr/lib/postgresql";

    private PostgresBinaries(string binDirectory)
    {
        BinDirectory = binDirectory;
    }

    /// <summary>The directory holding initdb, pg_ctl and the client tools.</summary>
    public string BinDirectory { get; }

    /// <summary>
    /// Finds the binaries: <c>OPS_PG_BIN</c> first, then the highest version under
    /// <c>/usr/lib/postgresql/*/bin</c> that contains initdb, then the directory of initdb on PATH.
    /// </summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL server installation was found.</exception>
    public static PostgresBinaries Locate() =>
        Locate(
            Environment.GetEnvironmentVariable(BinDirectoryVariable),
            DebianLibRoot,
            Environment.GetEnvironmentVariable("PATH"));

    internal static PostgresBinaries Locate(string? overrideDirectory, string libRoot, string? searchPath)
    {
        if (!string.IsNullOrWhiteSpace(overrideDirectory))
        {
            var directory = Path.GetFullPath(overrideDirectory);
            if (!HasInitdb(directory))
            {
                throw new InvalidOperationException(
                    $"{BinDirectoryVariable} is set to '{directory}', but that directory has no initdb. {NotFoundMessage}");
            }

            return new PostgresBinaries(directory);
        }

        var versioned = FindHighestVersionedBin(libRoot);
        if (versioned is not null)
        {
            return new PostgresBinaries(versioned);
        }

        var onPath = FindOnPath(searchPath);
        if (onPath is not null)
        {
            return new PostgresBinaries(onPath);
        }

        throw new InvalidOperationException(NotFoundMessage);
    }

    /// <summary>Full path of a PostgreSQL program in <see cref="BinDirectory"/>, e.g. "initdb", "pg_ctl", "pgbench".</summary>
    /// <exception cref="InvalidOperationException">The program is not installed in <see cref="BinDirectory"/>.</exception>
    public string Tool(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a plain program name.", nameof(name));
        }

        var path = Path.Combine(BinDirectory, name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"PostgreSQL program '{name}' not found in '{BinDirectory}': install the Debian packages " +
                "postgresql-15 and postgresql-client-15 (apt-get install postgresql-15 postgresql-client-15) " +
                $"or set {BinDirectoryVariable} to a directory that has it.");
        }

        return path;
    }

    /// <inheritdoc />
    public override string ToString() => BinDirectory;

    private static bool HasInitdb(string directory) => File.Exists(Path.Combine(directory, "initdb"));

    private static string? FindHighestVersionedBin(string libRoot)
    {
        if (!Directory.Exists(libRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(libRoot)
            .Select(versionDirectory => (Version: ParseVersion(Path.GetFileName(versionDirectory)), Bin: Path.Combine(versionDirectory, "bin")))
            .Where(candidate => candidate.Version is not null && HasInitdb(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static Version? ParseVersion(string name)
    {
        var normalized = name.Contains('.', StringComparison.Ordinal) ? name : name + ".0";
        return Version.TryParse(normalized, out var version) ? version : null;
    }

    private static string? FindOnPath(string? searchPath)
    {
        if (string.IsNullOrEmpty(searchPath))
        {
            return null;
        }

        foreach (var entry in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = Path.Combine(entry, "initdb");
            if (!File.Exists(candidate))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(candidate))!;
            if (File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }

            // A lone symlink on PATH (e.g. /usr/local/bin/initdb): use the directory it points into.
            var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true);
            var targetDirectory = target is null ? null : Path.GetDirectoryName(target.FullName);
            return targetDirectory is not null && HasInitdb(targetDirectory) ? targetDirectory : directory;
        }

        return null;
    }
}
