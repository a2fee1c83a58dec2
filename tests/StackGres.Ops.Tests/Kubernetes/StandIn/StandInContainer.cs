using System.Diagnostics;
using StackGres.Ops.Worker.Execution;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>A pod's container played by a local process: its output is the pod's log.</summary>
public sealed class StandInContainer : IDisposable
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly Process process;
    private readonly Task pumps;
    private TaskCompletionSource more = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StandInContainer(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
        pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        Exited = ExitAsync();
    }

    /// <summary>The exit code, once the process has ended and its output is all in the log.</summary>
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
        if (process.HasExited)
        {
            return;
        }

        PosixSignals.TryTerminate(process.Id);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            process.Kill(entireProcessTree: true);
        }

        await Exited;
    }

    public void Dispose()
    {
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
