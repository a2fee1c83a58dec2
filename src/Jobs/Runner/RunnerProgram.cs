using System.Runtime.InteropServices;
using System.Text.Json;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Runner;

/// <summary>
/// The job runner: what a Kubernetes Job container (or the local executor's child process) runs.
/// It reads a <see cref="RunRequest"/> from the environment, writes JSON-line events to standard
/// output and stops cleanly (cancelling its server backends) on SIGTERM or SIGINT.
/// </summary>
public static class RunnerProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            await Console.Out.WriteLineAsync(
                $"StackGres.Ops job runner. Reads the run request (JSON) from ${RunRequest.EnvironmentVariable} and the " +
                $"cluster password from ${RunRequest.PasswordVariable}; writes JSON-line events to standard output.").ConfigureAwait(false);
            return RunnerExitCodes.Succeeded;
        }

        if (args.Length > 0 && args[0] == LogReportCommand.Verb)
        {
            using var cancel = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                cancel.Cancel();
            });
            return await LogReportCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
        }

        var events = new RunnerEventWriter(Console.Out);
        var json = Environment.GetEnvironmentVariable(RunRequest.EnvironmentVariable);
        RunRequest? request;
        try
        {
            request = string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize(json, OpsJson.TypeInfo<RunRequest>());
        }
        catch (JsonException e)
        {
            await Console.Error.WriteLineAsync($"${RunRequest.EnvironmentVariable} is not a valid run request: {e.Message}").ConfigureAwait(false);
            return RunnerExitCodes.InvalidRequest;
        }

        if (request is null)
        {
            await Console.Error.WriteLineAsync($"${RunRequest.EnvironmentVariable} is not set: nothing to run.").ConfigureAwait(false);
            return RunnerExitCodes.InvalidRequest;
        }

        if (request.Incomplete() is { } missing)
        {
            await Console.Error.WriteLineAsync($"${RunRequest.EnvironmentVariable} is not a valid run request: {missing}").ConfigureAwait(false);
            return RunnerExitCodes.InvalidRequest;
        }

        using var stopping = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var runner = new JobRunner(OperationCatalog.CreateDefault(), events);
        return await runner.RunAsync(request, Environment.GetEnvironmentVariable(RunRequest.PasswordVariable), stopping.Token)
            .ConfigureAwait(false);

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }
}
