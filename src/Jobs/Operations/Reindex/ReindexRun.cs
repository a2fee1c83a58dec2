using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>One execution of <c>reindex</c>: cleans left-overs, plans every database, then rebuilds index by index.</summary>
internal sealed partial class ReindexRun(ReindexParameters parameters, OperationContext context)
{
    private readonly ReindexPlanner _planner = new(parameters);
    private readonly ConcurrentQueue<IndexOutcome> _outcomes = new();
    private readonly ConcurrentQueue<string> _leftoversDropped = new();
    private readonly Stopwatch _clock = new();
    private int _considered;
    private int _done;
    private int _total;

    public async Task<ReindexResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        await using var plans = new DatabasePlans<IReadOnlyList<PlannedIndex>>(context, parameters.Limits);
        try
        {
            foreach (var database in parameters.Databases)
            {
                await plans.AddAsync(database, (connection, ct) => PlanAsync(connection, database, ct), cancellationToken).ConfigureAwait(false);
            }

            _total = plans.All.Sum(p => p.Count);
            LogPlan(plans.All.SelectMany(p => p));
            if (!context.DryRun)
            {
                for (var i = 0; i < plans.Count; i++)
                {
                    await using var connection = plans.ConnectionOf(i).Take()!;
                    await RebuildDatabaseAsync(connection, parameters.Databases[i], plans[i], cancellationToken).ConfigureAwait(false);
                }

                context.Events.Progress(new RunProgress { Phase = "done", Done = _done, Total = _total });
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCancelledException(Result(), e, cancellationToken);
        }

        var result = Result();
        return result.IndexesFailed == 0
            ? result
            : throw new OperationFailedException(
                $"{result.IndexesFailed} of {_total} index(es) failed: {result.Indexes.First(i => i.Status == OutcomeStatus.Failed).Detail}", result);
    }

    private ReindexResult Result() => new(parameters.Target, context.DryRun, parameters.Databases, _considered, _outcomes.ToArray(),
        _leftoversDropped.ToArray(), Math.Round(_clock.Elapsed.TotalMilliseconds, 1));

    private async Task<IReadOnlyList<PlannedIndex>> PlanAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var indexOids = await _planner.ResolveIndexesAsync(connection, database, cancellationToken).ConfigureAwait(false);
        var tableOids = await _planner.ResolveTablesAsync(connection, database, cancellationToken).ConfigureAwait(false);
        var leftovers = await LeftoverIndexes.FindAsync(connection, parameters.Schemas, tableOids, cancellationToken).ConfigureAwait(false);
        if (parameters.CleanLeftovers)
        {
            await CleanLeftoversAsync(connection, database, leftovers, cancellationToken).ConfigureAwait(false);
        }

        var (considered, chosen) = await _planner.PlanAsync(connection, database, indexOids, tableOids,
            leftovers.Select(l => l.Oid).ToHashSet(), cancellationToken).ConfigureAwait(false);
        _considered += considered;
        return chosen;
    }

    private void LogPlan(IEnumerable<PlannedIndex> plans)
    {
        context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"reindex concurrently, target {parameters.Target}: {_total} of {_considered} index(es){(context.DryRun ? " (dry run: nothing is changed)" : string.Empty)}"));
        foreach (var planned in plans)
        {
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"{(context.DryRun ? "would rebuild" : "chosen")}: {planned.Database}.{planned.Index.Display} on {planned.Index.Table} " +
                $"({ByteSize.Format(planned.Index.SizeBytes)}): {string.Join("; ", planned.Reasons)}"));
            if (context.DryRun)
            {
                _outcomes.Enqueue(planned.ToPlanned());
            }
        }
    }

    private async Task CleanLeftoversAsync(NpgsqlConnection connection, string database, IReadOnlyList<LeftoverIndex> leftovers,
        CancellationToken cancellationToken)
    {
        foreach (var leftover in leftovers)
        {
            if (context.DryRun)
            {
                context.Events.Log(LogLevel.Information, $"would drop the left-over invalid index {database}.{leftover.Display}");
                continue;
            }

            var refused = await LeftoverIndexes.DropAsync(connection, leftover, cancellationToken).ConfigureAwait(false);
            if (refused is null)
            {
                _leftoversDropped.Enqueue($"{database}.{leftover.Display}");
                context.Events.Log(LogLevel.Information, $"dropped the left-over invalid index {database}.{leftover.Display}");
            }
            else
            {
                context.Events.Log(LogLevel.Warning, $"left the invalid index {database}.{leftover.Display} alone: {refused}");
            }
        }
    }
}
