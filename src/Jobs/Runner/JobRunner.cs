using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Topology;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Runner;

/// <summary>Executes one run request and reports its outcome as a result event and an exit code.</summary>
public sealed class JobRunner(OperationCatalog catalog, RunnerEventWriter events)
{
    public async Task<int> RunAsync(RunRequest request, string? password, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(request.Operation, out var operation))
        {
            return Fail(RunnerExitCodes.InvalidRequest, $"Unknown operation '{request.Operation}'.");
        }

        var errors = new List<string>();
        var values = ParameterParser.Bind(operation, request.Parameters, errors);
        if (errors.Count > 0)
        {
            return Fail(RunnerExitCodes.InvalidRequest, string.Join(" ", errors));
        }

        var cluster = await PrimaryLocator.LocateAsync(request.Cluster, password, ApplicationNames.ForRun(request.RunId), cancellationToken)
            .ConfigureAwait(false);
        await using var connector = new ClusterConnector(cluster, password, ApplicationNames.ForRun(request.RunId));
        var context = new OperationContext(request.RunId, request.DryRun, connector, events);
        events.Log(LogLevel.Information, $"run {request.RunId:N}: {operation.Name} on {cluster}");
        try
        {
            var result = await operation.ExecuteAsync(values, context, cancellationToken).ConfigureAwait(false);
            events.Write(new RunnerEvent
            {
                Type = RunnerEvent.ResultType,
                Status = RunStatus.Succeeded,
                Result = Serialize(result),
            });
            return RunnerExitCodes.Succeeded;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            events.Write(new RunnerEvent
            {
                Type = RunnerEvent.ResultType,
                Status = RunStatus.Cancelled,
                Error = "Cancelled; the running statement was cancelled on the server.",
                Result = e is OperationCancelledException { PartialResult: { } partial } ? Serialize(partial) : null,
            });
            return RunnerExitCodes.Cancelled;
        }
        catch (OperationFailedException e)
        {
            return Fail(RunnerExitCodes.Failed, e.Message, e.PartialResult);
        }
        catch (PostgresException e)
        {
            return Fail(RunnerExitCodes.Failed, $"PostgreSQL error {e.SqlState}: {e.MessageText}");
        }
        catch (NpgsqlException e)
        {
            return Fail(RunnerExitCodes.Failed, $"Connection to {request.Cluster} failed: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the runner's own: still a result that says what happened, never a crash without one.
            return Fail(RunnerExitCodes.Failed, $"The job runner failed unexpectedly: {e.GetType().Name}: {e.Message}");
        }
    }

    private int Fail(int exitCode, string error, object? partialResult = null)
    {
        events.Log(LogLevel.Error, error);
        events.Write(new RunnerEvent
        {
            Type = RunnerEvent.ResultType,
            Status = RunStatus.Failed,
            Error = error,
            Result = partialResult is null ? null : Serialize(partialResult),
        });
        return exitCode;
    }

    private static JsonElement Serialize(object result) => JsonSerializer.SerializeToElement(result, OpsJson.Options.GetTypeInfo(result.GetType()));
}
