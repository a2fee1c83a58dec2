using System.Globalization;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>Starts, stops and restarts a server with pg_ctl, as the data directory's owner.</summary>
public sealed class PgCtl(string executable, DataDirectoryOwner owner)
{
    private const string DefaultLogName = "server.log";
    private static readonly string Timeout = ((int)TimeSpan.FromMinutes(10).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    public string Executable => executable;

    /// <summary>
    /// <c>pg_ctl restart -m fast</c>. The server's output goes on to the file it writes now (found through
    /// /proc/PID/fd/2 of the postmaster), or to <c>server.log</c> in the data directory when that cannot be told.
    /// </summary>
    public async Task<string> RestartAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var logFile = CurrentServerOutput(dataDirectory) ?? Path.Combine(dataDirectory, DefaultLogName);
        await RunAsync(["restart", "-D", dataDirectory, "-m", "fast", "-w", "-t", Timeout, "-l", logFile], "restart", cancellationToken)
            .ConfigureAwait(false);
        return logFile;
    }

    /// <summary><c>pg_ctl stop -m fast</c>; returns the file the server wrote its output to, for the next start.</summary>
    public async Task<string> StopAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var logFile = CurrentServerOutput(dataDirectory) ?? Path.Combine(dataDirectory, DefaultLogName);
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            await RunAsync(["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", Timeout], "stop", cancellationToken).ConfigureAwait(false);
        }

        return logFile;
    }

    /// <summary>
    /// <c>pg_ctl start</c> without waiting (-W): a server in archive recovery may take long to accept
    /// connections; the caller waits for it with its own checks. <paramref name="serverOptions"/> go to
    /// postgres through pg_ctl's -o (a shell word list: quote values).
    /// </summary>
    public Task StartAsync(string dataDirectory, string logFile, string? serverOptions, CancellationToken cancellationToken)
    {
        List<string> arguments = ["start", "-D", dataDirectory, "-l", logFile, "-W"];
        if (serverOptions is not null)
        {
            arguments.AddRange(["-o", serverOptions]);
        }

        return RunAsync(arguments, "start", cancellationToken);
    }

    /// <summary><c>pg_ctl start -w</c>: returns once the server accepts connections (or failed to start).</summary>
    public Task StartWaitingAsync(string dataDirectory, string logFile, CancellationToken cancellationToken) =>
        RunAsync(["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", Timeout], "start", cancellationToken);

    /// <summary>True while the postmaster of <paramref name="dataDirectory"/> is alive.</summary>
    public static bool IsRunning(string dataDirectory) => RunningPostmasterPid(dataDirectory) is not null;

    /// <summary>The pid of the live postmaster of <paramref name="dataDirectory"/>; null when none runs.</summary>
    public static int? RunningPostmasterPid(string dataDirectory) =>
        PostmasterPid(dataDirectory) is { } pid && Directory.Exists($"/proc/{pid}") ? pid : null;

    /// <summary>The regular file the running postmaster writes its output to, if any.</summary>
    public static string? CurrentServerOutput(string dataDirectory) =>
        PostmasterLink(dataDirectory, "fd/2") is { } target && Path.IsPathRooted(target) && File.Exists(target) ? target : null;

    /// <summary>Where a link of the running postmaster's /proc entry points ("exe": its binary, "fd/2": its output); null when it cannot be told.</summary>
    public static string? PostmasterLink(string dataDirectory, string link)
    {
        if (PostmasterPid(dataDirectory) is not { } pid)
        {
            return null;
        }

        try
        {
            return new FileInfo($"/proc/{pid}/{link}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? PostmasterPid(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            var first = File.Exists(pidFile) ? File.ReadLines(pidFile).FirstOrDefault() : null;
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task RunAsync(IReadOnlyList<string> arguments, string action, CancellationToken cancellationToken)
    {
        var result = await owner.RunAsync(executable, arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var output = (result.StandardError.Trim() + " " + result.StandardOutput.Trim()).Trim();
            throw new OperationFailedException($"pg_ctl {action} failed (exit code {result.ExitCode}): {output}");
        }
    }
}
