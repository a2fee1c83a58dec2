using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// Runs programs as the OS user that owns a PostgreSQL data directory. pgBackRest and pg_ctl must run as
/// that user: pgBackRest as root would leave root-owned files in the repository and the data directory that
/// the server's own archive_command (running as the owner) can no longer write, and pg_ctl refuses root.
/// When this process is root and the owner is not, programs run through <c>runuser -u OWNER --</c> (same
/// environment, working directory "/"); when it already is the owner they run directly; anything else is refused.
/// </summary>
public sealed class DataDirectoryOwner
{
    private DataDirectoryOwner(string userName, bool switchUser)
    {
        UserName = userName;
        SwitchUser = switchUser;
    }

    /// <summary>The owner's login name.</summary>
    public string UserName { get; }

    /// <summary>True when programs are started through runuser.</summary>
    public bool SwitchUser { get; }

    /// <summary>Finds the owner of <paramref name="directory"/> and how to act as it.</summary>
    public static async Task<DataDirectoryOwner> ForAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new OperationFailedException($"The data directory '{directory}' does not exist on this machine.");
        }

        // .NET has no API for a file's owner; stat(1) from coreutils answers with the login name.
        var stat = await ProcessRunner.RunAsync(LocalPostgresInstance.FindSystemProgram("stat"), ["-c", "%U", directory], cancellationToken)
            .ConfigureAwait(false);
        if (!stat.Succeeded)
        {
            throw new OperationFailedException($"Could not read the owner of '{directory}': {stat.StandardError.Trim()}");
        }

        var owner = stat.StandardOutput.Trim();
        var current = Environment.UserName;
        if (string.Equals(owner, current, StringComparison.Ordinal))
        {
            return new DataDirectoryOwner(owner, switchUser: false);
        }

        if (LocalPostgresInstance.IsPrivileged())
        {
            return new DataDirectoryOwner(owner, switchUser: true);
        }

        throw new OperationFailedException(
            $"The data directory '{directory}' belongs to the OS user '{owner}', and this process runs as '{current}': " +
            $"pgBackRest and pg_ctl must run as '{owner}'. Run the worker (or the job runner) as '{owner}', or as root.");
    }

    /// <summary>
    /// For pgBackRest on the repository side: the owner of the repository directory <paramref name="repositoryPath"/>
    /// when this process is root and it exists, else this process's own user (a Job's pod runs as the user it is given).
    /// </summary>
    public static async Task<DataDirectoryOwner> ForRepositoryAsync(string? repositoryPath, CancellationToken cancellationToken) =>
        repositoryPath is not null && Directory.Exists(repositoryPath) && LocalPostgresInstance.IsPrivileged()
            ? await ForAsync(repositoryPath, cancellationToken).ConfigureAwait(false)
            : new DataDirectoryOwner(Environment.UserName, switchUser: false);

    /// <summary>Runs <paramref name="program"/> as the owner, from "/".</summary>
    public Task<ToolResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (!SwitchUser)
        {
            return ProcessRunner.RunAsync(program, arguments, cancellationToken, environment, workingDirectory: "/");
        }

        string[] wrapped = ["-u", UserName, "--", program, .. arguments];
        return ProcessRunner.RunAsync(LocalPostgresInstance.FindSystemProgram("runuser"), wrapped, cancellationToken, environment, "/");
    }

    /// <summary>Hands <paramref name="path"/> (recursively) to the owner; nothing to do when this process is the owner.</summary>
    public async Task GiveAsync(string path, CancellationToken cancellationToken)
    {
        if (!SwitchUser)
        {
            return;
        }

        // "user:" gives the user's login group as well.
        var result = await ProcessRunner.RunAsync(LocalPostgresInstance.FindSystemProgram("chown"), ["-R", UserName + ":", path], cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not give '{path}' to the OS user '{UserName}': {result.StandardError.Trim()}");
        }
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) owned by the owner.</summary>
    public async Task CreateDirectoryAsync(string path, bool privateMode, CancellationToken cancellationToken)
    {
        var topMissing = TopMostMissing(path);
        if (privateMode && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(path);
        }

        if (topMissing is not null)
        {
            await GiveAsync(topMissing, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? TopMostMissing(string path)
    {
        string? top = null;
        for (var current = Path.GetFullPath(path); current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            top = current;
        }

        return top;
    }
}
