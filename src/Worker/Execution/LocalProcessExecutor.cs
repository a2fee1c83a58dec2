using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// Runs the job runner as a child process of the worker: the embedded default and what tests use.
/// The request travels in the environment, the password in $PGPASSWORD, never on the command line.
/// </summary>
public sealed class LocalProcessExecutor(
    RunnerLocator locator,
    IOptions<ExecutorOptions> options,
    TimeProvider clock,
    ILogger<LocalProcessExecutor> logger) : IOperationExecutor
{
    public string Name => "local";

    public async Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IRunEventSink events, CancellationToken cancellationToken)
    {
        var startInfo = locator.CreateStartInfo();
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = false;
        startInfo.UseShellExecute = false;
        startInfo.Environment.Clear();
        var environment = RunnerEnvironment.Build(request.Run, JsonSerializer.Serialize(request.Run, OpsJson.Options),
            ClusterInventory.ReadPassword(request.Cluster), Environment.GetEnvironmentVariables());
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
                            ?? throw new InvalidOperationException($"The job runner {startInfo.FileName} did not start.");
        Log.RunnerStarted(logger, process.Id);

        var relay = new RunnerEventRelay(events, clock);
        string? lastError = null;
        // The readers finish when the process closes its pipes; they must not stop early on
        // cancellation, or the runner's final "cancelled" result would be lost.
        var stdout = PumpAsync(process.StandardOutput, line => relay.RelayLineAsync(line, "info", CancellationToken.None));
        var stderr = PumpAsync(process.StandardError, async line =>
        {
            lastError = line;
            await relay.RelayLineAsync(line, "error", CancellationToken.None);
        });

        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            await StopAsync(process);
        }

        await Task.WhenAll(stdout, stderr);
        Log.RunnerExited(logger, process.Id, process.ExitCode);
        return relay.ToOutcome(process.ExitCode, cancelled, lastError);
    }

    private async Task StopAsync(Process process)
    {
        var grace = options.Value.CancelGracePeriod;
        if (PosixSignals.TryTerminate(process.Id))
        {
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Log.RunnerKilled(logger, process.Id, grace);
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
    }

    private static async Task PumpAsync(StreamReader reader, Func<string, Task> onLine)
    {
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            await onLine(line);
        }
    }
}
