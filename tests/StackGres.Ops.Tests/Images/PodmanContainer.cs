using System.Diagnostics;

namespace StackGres.Ops.Tests.Images;

/// <summary>
/// A container run by podman (<c>podman run</c> attached, e.g. a pod's): its output is its log; stopping it is
/// the kubelet's SIGTERM then SIGKILL after the grace period; an out-of-memory kill is read from podman.
/// </summary>
public sealed class PodmanContainer : IDisposable
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly Process process;
    private readonly Task pumps;
    private TaskCompletionSource more = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="name">The podman container's name.</param>
    /// <param name="runArguments">The arguments of <c>podman run</c>, <c>--name</c> excluded.</param>
    /// <param name="environment">Variables passed by name (<c>-e NAME</c>) so that no value is on a command line.</param>
    public PodmanContainer(string name, IEnumerable<string> runArguments, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        var startInfo = Podman.StartInfo(["run", "--name", name, .. runArguments]);
        foreach (var (variable, value) in environment)
        {
            startInfo.Environment[variable] = value;
        }

        process = Process.Start(startInfo) ?? throw new InvalidOperationException("podman did not start.");
        pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        Exited = ExitAsync();
    }

    public string Name { get; }

    /// <summary>The exit code, once the container has ended and its output is all in the log.</summary>
    public Task<int> Exited { get; }

    /// <summary>The log from line <paramref name="from"/>, and a task that completes when there is more.</summary>
    public (List<string> Lines, Task More) Read(int from)
    {
        lock (gate)
        {
            return (lines.Skip(from).ToList(), more.Task);
        }
    }

    /// <summary>What the kubelet does on deletion: SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(grace.TotalSeconds));
            await Podman.RunAsync(["stop", "--time", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), Name], CancellationToken.None);
        }

        await Exited;
    }

    /// <summary>The terminated state's reason, as the kubelet gives it: OOMKilled, Completed or Error.</summary>
    /// <remarks>
    /// podman's own flag misses kills on a cgroup v1 host (its monitor does not see them there); the kernel's record of
    /// a memory cgroup's OOM kill names the container's cgroup (<c>oom_memcg=…/libpod-ID</c>), which settles it.
    /// </remarks>
    public async Task<string> TerminationReasonAsync(int exitCode)
    {
        var state = await Podman.RunAsync(["inspect", "--format", "{{.State.OOMKilled}} {{.Id}}", Name], CancellationToken.None);
        var fields = state.Output.Trim().Split(' ');
        if (state.ExitCode == 0 && fields[0] == "true")
        {
            return "OOMKilled";
        }

        if (exitCode == 137 && state.ExitCode == 0 && fields.Length == 2 && await KernelOomKilledAsync(fields[1]))
        {
            return "OOMKilled";
        }

        return exitCode == 0 ? "Completed" : "Error";
    }

    private static async Task<bool> KernelOomKilledAsync(string containerId)
    {
        var startInfo = new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var dmesg = Process.Start(startInfo);
        if (dmesg is null)
        {
            return false;
        }

        var log = await dmesg.StandardOutput.ReadToEndAsync();
        await dmesg.WaitForExitAsync();
        return log.Split('\n').Any(line => line.Contains("oom-kill:", StringComparison.Ordinal) &&
                                           line.Contains($"oom_memcg=", StringComparison.Ordinal) &&
                                           line.Contains($"libpod-{containerId}", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        using (var remove = Process.Start(Podman.StartInfo(["rm", "--force", "--time", "0", Name])))
        {
            remove?.WaitForExit();
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private async Task<int> ExitAsync()
    {
        await process.WaitForExitAsync();
        await pumps;
        lock (gate)
        {
            more.TrySetResult();
        }

        return process.ExitCode;
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (gate)
            {
                lines.Add(line);
                var previous = more;
                more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                previous.TrySetResult();
            }
        }
    }
}
