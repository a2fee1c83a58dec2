using Microsoft.AspNetCore.Mvc;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;
using StackGres.Ops.Worker.Scheduling.Findings;

namespace StackGres.Ops.Worker.Api;

/// <summary><c>/api/v1/runs</c>: submit, list, show, read the log of and cancel runs.</summary>
public static class RunsApi
{
    public const int MaxPageSize = 500;

    /// <summary>Who submits: <c>api</c> (the default) or <c>cli</c>. Windows and the dashboard do not come through here.</summary>
    public const string TriggerHeader = "X-Ops-Trigger";

    private static readonly string[] HeaderTriggers = ["api", "cli"];

    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs");
        runs.MapPost("/", SubmitAsync).RequireAuthorization(OpsAuthentication.AdminPolicy)
            .Produces<RunRecord>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        runs.MapGet("/", ListAsync).Produces<IReadOnlyList<RunRecord>>().ProducesProblem(StatusCodes.Status400BadRequest);
        runs.MapGet("/{id:guid}", GetAsync).Produces<RunRecord>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id:guid}/logs", GetLogsAsync).Produces<IReadOnlyList<RunLogLine>>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id:guid}/cancel", CancelAsync).RequireAuthorization(OpsAuthentication.AdminPolicy)
            .Produces<RunRecord>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id:guid}/report", RunReport.GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, RunSubmitter submitter, FindingsRequestPlanner findings,
        [FromHeader(Name = TriggerHeader)] string? trigger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(trigger))
        {
            trigger = HeaderTriggers[0];
        }
        else if (!HeaderTriggers.Contains(trigger, StringComparer.Ordinal))
        {
            return Problems.BadRequest("Invalid run request",
                [$"Header '{TriggerHeader}' must be one of {string.Join(", ", HeaderTriggers)} (got '{trigger}')."]);
        }

        var (submission, errors) = await RunRequestReader.ReadAsync(request, trigger, cancellationToken);
        if (submission is null)
        {
            return Problems.BadRequest("Invalid run request", errors);
        }

        string? note = null;
        if (submission.Targets == StepTargets.Findings)
        {
            var planned = await findings.PlanAsync(submission, cancellationToken);
            if (planned.Submission is null)
            {
                return planned.ClusterUnreachable ? Problems.Unavailable(string.Join(" ", planned.Errors))
                    : planned.NothingToDo ? Problems.Conflict(string.Join(" ", planned.Errors))
                    : Problems.BadRequest("Invalid run request", planned.Errors);
            }

            (submission, note) = (planned.Submission, planned.Note);
        }

        var result = await submitter.SubmitAsync(submission, cancellationToken, note);
        if (result.ClusterUnreachable)
        {
            return Problems.Unavailable(string.Join(" ", result.Errors));
        }

        return result.Run is { } run
            ? TypedResults.Accepted($"/api/v1/runs/{run.Id}", run)
            : Problems.BadRequest("Invalid run request", result.Errors);
    }

    private static async Task<IResult> ListAsync(RunStore store, HttpResponse response, string? cluster, string? status, string? operation,
        int? limit, int? offset, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        RunStatus? parsedStatus = null;
        if (status is not null)
        {
            if (RunStatusExtensions.TryParseWireName(status, out var value))
            {
                parsedStatus = value;
            }
            else
            {
                errors.Add($"Unknown status '{status}'. Known: {string.Join(", ", Enum.GetValues<RunStatus>().Select(s => s.ToWireName()))}.");
            }
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors.Add($"'limit' must be between 1 and {MaxPageSize}.");
        }

        if (offset is < 0)
        {
            errors.Add("'offset' must not be negative.");
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest("Invalid query", errors);
        }

        var query = new RunQuery(cluster, parsedStatus, operation, limit ?? 50, offset ?? 0);
        var runs = await store.ListAsync(query, cancellationToken);
        response.Headers["X-Total-Count"] = (await store.CountAsync(query, cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(runs);
    }

    private static async Task<IResult> GetAsync(Guid id, RunStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } run ? TypedResults.Ok(run) : Problems.NotFound($"There is no run {id}.");

    private static async Task<IResult> GetLogsAsync(Guid id, RunStore store, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound($"There is no run {id}.");
        }

        var lines = await store.GetLogAsync(id, after ?? 0, Math.Clamp(limit ?? 1000, 1, 10_000), cancellationToken);
        return TypedResults.Ok(lines);
    }

    private static async Task<IResult> CancelAsync(Guid id, RunStore store, CancellationToken cancellationToken)
    {
        var run = await store.RequestCancelAsync(id, "Cancelled before it started.", cancellationToken);
        if (run is null)
        {
            return Problems.NotFound($"There is no run {id}.");
        }

        return run.Status.IsTerminal() && !(run.Status == RunStatus.Cancelled && run.CancelRequested)
            ? Problems.Conflict($"Run {id} already ended {run.Status.ToWireName()}.")
            : TypedResults.Accepted($"/api/v1/runs/{run.Id}", run);
    }
}
