using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// One execution of <c>verify</c>: makes sure amcheck is there in every database, plans every database, then checks
/// relation by relation (or <c>jobs</c> at a time) under the run's lock and statement timeouts, pausing between relations.
/// </summary>
internal sealed class VerifyRun(VerifyParameters parameters, OperationContext context)
{
    private readonly ConcurrentQueue<VerifyFinding> _findings = new();
    private readonly Stopwatch _clock = new();
    private VerifiedRelation?[] _outcomes = [];
    private int _done;
    private int _total;

    public async Task<VerifyResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        await using var plans = new DatabasePlans<(VerifyPlan Plan, string? Schema)>(context, parameters.Limits);
        await using var connections = new CheckConnections(context.Connector, context.RunId);
        try
        {
            foreach (var database in parameters.Databases)
            {
                await plans.AddAsync(database, (connection, ct) => PlanAsync(connection, database, ct), cancellationToken).ConfigureAwait(false);
            }

            var targets = plans.All.SelectMany(p => p.Plan.Relations).ToArray();
            _total = targets.Length;
            _outcomes = new VerifiedRelation?[_total];
            VerifyLog.Plan(context, parameters, plans.All.Select(p => p.Plan).ToArray());
            if (context.DryRun)
            {
                _outcomes = targets.Select(t => t.ToPlanned()).ToArray();
                return Result();
            }

            var first = 0;
            for (var i = 0; i < plans.Count; i++)
            {
                await plans.ConnectionOf(i).DisposeAsync().ConfigureAwait(false);
                await CheckDatabaseAsync(plans[i], first, connections, cancellationToken).ConfigureAwait(false);
                first += plans[i].Plan.Relations.Count;
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCancelledException(Result(), e, cancellationToken);
        }

        context.Events.Progress(new RunProgress { Phase = "done", Done = _done, Total = _total });
        var result = Result();
        VerifyLog.Summary(context, result);
        return result.RelationsFailed == 0
            ? result
            : throw new OperationFailedException(
                $"{result.RelationsFailed} of {_total} relation(s) could not be checked: {result.Relations.First(r => r.Status == OutcomeStatus.Failed).Detail}",
                result);
    }

    private VerifyResult Result() => new(context.DryRun, parameters.HeapAllIndexed, parameters.CheckToast, parameters.Databases,
        _outcomes.OfType<VerifiedRelation>().ToArray(),
        _findings.OrderBy(f => f.Database, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal)
            .ThenBy(f => f.Block).ThenBy(f => f.Offset).Take(VerifyResult.MaxFindings).ToArray(),
        Math.Round(_clock.Elapsed.TotalMilliseconds, 1));

    private async Task<(VerifyPlan, string?)> PlanAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var extension = await AmcheckExtension.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (extension.Problem(database, parameters.CreateExtension) is { } problem)
        {
            throw new OperationFailedException($"Cannot verify: {problem}.");
        }

        if (extension.InstalledVersion is null && context.DryRun)
        {
            context.Events.Log(LogLevel.Information, $"would create the amcheck extension in database {database}");
        }
        else if (extension.InstalledVersion is null && await AmcheckExtension.EnsureAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            context.Events.Log(LogLevel.Information, $"created the amcheck extension in database {database}");
            extension = await AmcheckExtension.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        var plan = await VerifyPlanner.PlanAsync(connection, database, parameters.Tables, parameters.Schemas, cancellationToken).ConfigureAwait(false);
        return (plan, extension.Schema);
    }

    private Task CheckDatabaseAsync((VerifyPlan Plan, string? Schema) planned, int first, CheckConnections connections,
        CancellationToken cancellationToken)
    {
        var checker = new RelationChecker(planned.Schema!, parameters.HeapAllIndexed, parameters.CheckToast);
        var positions = Enumerable.Range(first, planned.Plan.Relations.Count).ToArray();
        return ParallelWork.RunAsync(positions, parameters.Jobs,
            _ => Task.FromResult(new CheckSession(connections, planned.Plan.Database, parameters.Limits)),
            (session, position, ct) => CheckRelationAsync(session, checker, planned.Plan.Relations[position - first], position, ct),
            cancellationToken);
    }

    private async Task CheckRelationAsync(CheckSession session, RelationChecker checker, VerifyTarget target, int position,
        CancellationToken cancellationToken)
    {
        context.Events.Progress(new RunProgress
        {
            Phase = "checking", Database = target.Database, Relation = target.Display, Detail = target.Check,
            Done = Volatile.Read(ref _done), Total = _total,
        });
        var clock = Stopwatch.StartNew();
        var outcome = target.ToPlanned();
        IReadOnlyList<VerifyFinding> findings = [];
        try
        {
            var found = await checker.CheckAsync(session, target, cancellationToken).ConfigureAwait(false);
            outcome = found is null
                ? outcome with { Status = OutcomeStatus.Skipped, Detail = "the relation is gone since the plan (or the index is no longer valid)" }
                : outcome with { Status = OutcomeStatus.Done, Problems = found.Problems };
            findings = found?.Findings ?? [];
        }
        catch (PostgresException e) when (StatementFailures.IsSkippable(e, cancellationToken))
        {
            var reason = await StatementFailures.DescribeAsync(e, await session.OpenAsync(cancellationToken).ConfigureAwait(false), target.TableOid ?? target.Oid, parameters.Limits, cancellationToken)
                .ConfigureAwait(false);
            outcome = outcome with { Status = OutcomeStatus.Skipped, Detail = reason };
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = outcome with { Status = OutcomeStatus.Failed, Detail = $"{e.SqlState}: {e.MessageText}" };
        }

        _outcomes[position] = outcome with { DurationMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
        foreach (var finding in findings)
        {
            _findings.Enqueue(finding);
        }

        VerifyLog.Outcome(context, _outcomes[position]!, findings);
        if (Interlocked.Increment(ref _done) < _total && parameters.Pause > TimeSpan.Zero)
        {
            await Task.Delay(parameters.Pause, cancellationToken).ConfigureAwait(false);
        }
    }
}
