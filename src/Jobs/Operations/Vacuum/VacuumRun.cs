using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>One execution of <c>vacuum</c>: plans every database, then vacuums the chosen tables.</summary>
internal sealed class VacuumRun(VacuumParameters parameters, OperationContext context)
{
    private readonly ConcurrentQueue<TableOutcome> _outcomes = new();
    private readonly ConcurrentDictionary<int, string> _relationsByPid = new();
    private readonly Stopwatch _clock = new();
    private int _considered;
    private int _done;
    private int _total;

    public async Task<VacuumResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        var plans = new List<TablePlan>(parameters.Databases.Count);
        foreach (var database in parameters.Databases)
        {
            await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            plans.Add(await TablePlanner.PlanAsync(connection, database, parameters.Scope, parameters.Kind, cancellationToken).ConfigureAwait(false));
        }

        _considered = plans.Sum(p => p.Considered);
        _total = plans.Sum(p => p.Tables.Count);
        PlanLog.Write(context, $"vacuum{parameters.OptionList()}", parameters.Target, plans, _considered);
        if (context.DryRun)
        {
            foreach (var table in plans.SelectMany(p => p.Tables))
            {
                _outcomes.Enqueue(table.ToPlanned());
            }

            return Result();
        }

        try
        {
            foreach (var plan in plans)
            {
                await VacuumDatabaseAsync(plan, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCancelledException(Result(), e, cancellationToken);
        }

        context.Events.Progress(new RunProgress { Phase = "done", Done = _done, Total = _total });
        var result = Result();
        return FailedTables.ThrowIfAny(result, result.Tables, _total);
    }

    private VacuumResult Result() => new(parameters.Target, parameters.Analyze, parameters.Freeze, parameters.Full, context.DryRun,
        parameters.Databases, _considered, _outcomes.ToArray(), Math.Round(_clock.Elapsed.TotalMilliseconds, 1));

    private async Task VacuumDatabaseAsync(TablePlan plan, CancellationToken cancellationToken)
    {
        await using var poller = new ProgressPoller(context.Connector, plan.Database, ProgressPoller.DefaultInterval,
            progress => ReportServerProgress(plan.Database, progress));
        await ParallelWork.RunAsync(plan.Tables, parameters.Jobs,
            async ct =>
            {
                var connection = await context.Connector.OpenAsync(plan.Database, ct).ConfigureAwait(false);
                await parameters.Limits.ApplyAsync(connection, ct).ConfigureAwait(false);
                return connection;
            },
            (connection, table, ct) => VacuumTableAsync(connection, table, poller, ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task VacuumTableAsync(NpgsqlConnection connection, PlannedTable table, ProgressPoller poller, CancellationToken cancellationToken)
    {
        var relation = table.Stats.Display;
        context.Events.Progress(new RunProgress
        {
            Phase = "vacuuming", Database = table.Database, Relation = relation, Done = Volatile.Read(ref _done), Total = _total,
        });

        var pid = connection.ProcessID;
        _relationsByPid[pid] = relation;
        poller.Watch(pid);
        var warnings = new List<string>();
        void OnNotice(object sender, NpgsqlNoticeEventArgs e)
        {
            if (e.Notice.Severity is "WARNING")
            {
                warnings.Add(e.Notice.MessageText);
            }
        }

        connection.Notice += OnNotice;
        var clock = Stopwatch.StartNew();
        TableOutcome outcome;
        try
        {
            await using (var vacuum = new NpgsqlCommand($"VACUUM{parameters.OptionList()} {table.Stats.Ref.Quoted}", connection))
            {
                await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            outcome = await FinishedAsync(connection, table, clock.Elapsed, warnings, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (StatementFailures.IsSkippable(e, cancellationToken))
        {
            var reason = await StatementFailures.DescribeAsync(e, connection, table.Stats.Oid, parameters.Limits, cancellationToken).ConfigureAwait(false);
            outcome = table.ToPlanned() with { Status = OutcomeStatus.Skipped, Detail = reason, DurationMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1) };
        }
        catch (PostgresException e) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = table.ToPlanned() with { Status = OutcomeStatus.Failed, Detail = $"{e.SqlState}: {e.MessageText}" };
        }
        finally
        {
            connection.Notice -= OnNotice;
            poller.Unwatch(pid);
            _relationsByPid.TryRemove(pid, out _);
        }

        _outcomes.Enqueue(outcome);
        Interlocked.Increment(ref _done);
        OutcomeLog.Write(context, "vacuumed", outcome);
    }

    private static async Task<TableOutcome> FinishedAsync(NpgsqlConnection connection, PlannedTable table, TimeSpan elapsed,
        List<string> warnings, CancellationToken cancellationToken)
    {
        var after = await TableStatsReader.ReadAfterAsync(connection, table.Stats.Oid, cancellationToken).ConfigureAwait(false);
        var outcome = table.ToPlanned() with
        {
            Status = OutcomeStatus.Done,
            SizeAfterBytes = after?.TotalBytes,
            XidAgeAfter = after?.XidAge,
            DurationMs = Math.Round(elapsed.TotalMilliseconds, 1),
        };

        // VACUUM does not fail on a table it may not touch: it warns "skipping ..." and goes on.
        return warnings.Count > 0 && warnings.Exists(w => w.StartsWith("skipping", StringComparison.Ordinal))
            ? outcome with { Status = OutcomeStatus.Skipped, Detail = string.Join("; ", warnings) }
            : outcome;
    }

    private void ReportServerProgress(string database, ServerProgress progress)
    {
        if (!_relationsByPid.TryGetValue(progress.Pid, out var relation))
        {
            return;
        }

        context.Events.Progress(new RunProgress
        {
            Phase = "vacuuming",
            Database = database,
            Relation = relation,
            Detail = string.Create(CultureInfo.InvariantCulture, $"{progress.Command.ToLowerInvariant()}: {progress.Phase}"),
            RelationPercent = progress.Percent,
            Done = Volatile.Read(ref _done),
            Total = _total,
        });
    }
}
