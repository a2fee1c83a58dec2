using System.Text.Json;
using Hangfire;
using Npgsql;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Queue;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Checks a run request completely — cluster, operation, parameters, and against the live cluster —
/// and only then records it. A refused request from the API leaves nothing behind; one from a
/// window is recorded as failed, so the DBA sees why the window did nothing.
/// </summary>
public sealed class RunSubmitter(
    ClusterInventory inventory,
    OperationCatalog catalog,
    RunStore store,
    IBackgroundJobClient jobs,
    TimeProvider clock,
    ILogger<RunSubmitter> logger)
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>Checks, records and queues a run (the API's path); <paramref name="note"/> opens its log (why it runs on what).</summary>
    public async Task<SubmissionResult> SubmitAsync(RunSubmission submission, CancellationToken cancellationToken, string? note = null)
    {
        var result = await CreateAsync(submission, cancellationToken);
        if (result.Run is not { } run)
        {
            return result;
        }

        try
        {
            if (note is not null)
            {
                await store.AppendLogAsync(run.Id, clock.GetUtcNow(), "info", note, cancellationToken);
            }

            var jobId = jobs.Enqueue<RunOperationJob>(job => job.ExecuteAsync(run.Id, run.Operation, run.Cluster, CancellationToken.None));
            await store.SetJobIdAsync(run.Id, jobId, cancellationToken);
            Log.RunQueued(logger, run.Id, run.Operation, run.Cluster, run.Trigger);
            return new SubmissionResult(run with { JobId = jobId }, []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await store.FinishAsync(run.Id, RunStatus.Failed, "The run could not be queued.", null, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Checks and records a run without queueing it (a window executes its steps itself).</summary>
    public async Task<SubmissionResult> CreateAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(submission, cancellationToken);
        if (check.Errors.Count > 0)
        {
            return check;
        }

        var run = NewRun(submission, RunStatus.Queued, reason: null);
        await store.InsertAsync(run, cancellationToken);
        return new SubmissionResult(run, []);
    }

    /// <summary>
    /// Checks each request and records them all at once (the runs of one window step): the accepted ones queued, the
    /// refused ones failed with their reasons. Returns the records in the order of the requests.
    /// </summary>
    public async Task<IReadOnlyList<RunRecord>> CreateAllAsync(IReadOnlyList<RunSubmission> submissions, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>(submissions.Count);
        foreach (var submission in submissions)
        {
            var check = await CheckAsync(submission, cancellationToken);
            runs.Add(check.Errors.Count == 0
                ? NewRun(submission, RunStatus.Queued, reason: null)
                : NewRun(submission, RunStatus.Failed, string.Join(" ", check.Errors)) with { FinishedAt = clock.GetUtcNow() });
        }

        await store.InsertAllAsync(runs, cancellationToken);
        return runs;
    }

    /// <summary>
    /// Records a run that ends before it starts (a window's refused or skipped step), with its reasons;
    /// <paramref name="outOfTime"/>: skipped for lack of time in its window.
    /// </summary>
    public async Task<RunRecord> RecordAsync(RunSubmission submission, RunStatus status, IReadOnlyList<string> reasons, CancellationToken cancellationToken,
        bool outOfTime = false)
    {
        var run = NewRun(submission, status, string.Join(" ", reasons)) with { FinishedAt = clock.GetUtcNow() };
        await store.InsertAsync(run, cancellationToken, outOfTime);
        return run;
    }

    private async Task<SubmissionResult> CheckAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (!inventory.TryGet(submission.Cluster, out var cluster))
        {
            errors.Add($"Unknown cluster '{submission.Cluster}'. Known clusters: {Known(inventory.Names)}.");
        }

        if (!catalog.TryGet(submission.Operation, out var operation))
        {
            errors.Add($"Unknown operation '{submission.Operation}'. Known operations: {Known(catalog.Names)}.");
        }

        if (cluster is null || operation is null)
        {
            return new SubmissionResult(null, errors);
        }

        if (submission.MaxRetries > 0 && !operation.IsIdempotent)
        {
            errors.Add($"maxRetries must be 0 for {operation.Name}: it is not idempotent, and an attempt that failed half-way is never started again.");
        }

        var values = ParameterParser.Bind(operation, submission.Parameters, errors);

        if (errors.Count > 0)
        {
            return new SubmissionResult(null, errors);
        }

        try
        {
            await using var connector = cluster.Connect("stackgres-ops/preflight");
            await operation.PreflightAsync(values, connector, errors, cancellationToken);
        }
        catch (NpgsqlException e) when (IsUnreachable(e))
        {
            Log.PreflightUnreachable(logger, submission.Cluster, e);
            return new SubmissionResult(null, [$"Cluster '{submission.Cluster}' cannot be reached to check the request: {e.Message}"], ClusterUnreachable: true);
        }

        return new SubmissionResult(null, errors);
    }

    private RunRecord NewRun(RunSubmission submission, RunStatus status, string? reason) => new()
    {
        Id = Guid.CreateVersion7(clock.GetUtcNow()),
        Cluster = submission.Cluster,
        Operation = submission.Operation,
        Parameters = submission.Parameters is { ValueKind: JsonValueKind.Object } parameters ? parameters : EmptyObject,
        DryRun = submission.DryRun,
        Trigger = submission.Trigger,
        Status = status,
        Reason = reason,
        CreatedAt = clock.GetUtcNow(),
        DeadlineAt = submission.DeadlineAt,
        JobId = submission.JobId,
        WindowStep = submission.WindowStep,
        TimeoutSpan = submission.Timeout,
        MaxRetries = submission.MaxRetries,
    };

    /// <summary>Connection, authentication and server-state errors: the cluster, not the request, is at fault.</summary>
    private static bool IsUnreachable(NpgsqlException e) =>
        e is not PostgresException postgres || postgres.SqlState[..2] is "08" or "28" or "53" or "57";

    private static string Known(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "(none)" : list;
    }
}
