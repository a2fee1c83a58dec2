using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Vacuum;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>One execution of <c>reindex</c>: cleans left-overs, plans, then rebuilds index by index.</summary>
internal sealed class ReindexRun(ReindexParameters parameters, OperationContext context)
{
    private static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(30);
    private static readonly SessionLimits CleanupLimits = new("25s", "0");
    private readonly ConcurrentQueue<IndexOutcome> _outcomes = new();
    private readonly List<string> _leftoversDropped = [];
    private readonly Stopwatch _clock = new();
    private int _considered;
    private int _done;
    private int _total;
    private string? _current;

    public async Task<ReindexResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        var plans = new List<(string Database, IReadOnlyList<(IndexStats Index, IReadOnlyList<string> Reasons, double? Bloat)> Indexes)>();
        try
        {
            foreach (var database in parameters.Databases)
            {
                await using var connection = await OpenAsync(database, cancellationToken).ConfigureAwait(false);
                plans.Add((database, await PlanAsync(connection, database, cancellationToken).ConfigureAwait(false)));
            }

            _total = plans.Sum(p => p.Indexes.Count);
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"reindex concurrently, target {parameters.Target}: {_total} of {_considered} index(es){(context.DryRun ? " (dry run: nothing is changed)" : string.Empty)}"));
            foreach (var (database, indexes) in plans)
            {
                foreach (var (index, reasons, bloat) in indexes)
                {
                    context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                        $"{(context.DryRun ? "would rebuild" : "chosen")}: {database}.{index.Display} on {index.Table} " +
                        $"({ByteSize.Format(index.SizeBytes)}): {string.Join("; ", reasons)}"));
                    if (context.DryRun)
                    {
                        _outcomes.Enqueue(Planned(database, index, reasons, bloat));
                    }
                }
            }

            if (!context.DryRun)
            {
                foreach (var (database, indexes) in plans)
                {
                    await RebuildDatabaseAsync(database, indexes, cancellationToken).ConfigureAwait(false);
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

    private ReindexResult Result()
    {
        lock (_leftoversDropped)
        {
            return new ReindexResult(parameters.Target, context.DryRun, parameters.Databases, _considered, _outcomes.ToArray(),
                _leftoversDropped.ToArray(), Math.Round(_clock.Elapsed.TotalMilliseconds, 1));
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        await parameters.Limits.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task<IReadOnlyList<(IndexStats, IReadOnlyList<string>, double?)>> PlanAsync(NpgsqlConnection connection, string database,
        CancellationToken cancellationToken)
    {
        var indexOids = await ResolveAsync(connection, database, parameters.Indexes, TableResolver.ResolveIndexAsync, cancellationToken).ConfigureAwait(false);
        var tableOids = await ResolveAsync(connection, database, parameters.Tables, TableResolver.ResolveAsync, cancellationToken).ConfigureAwait(false);
        var leftovers = await LeftoverIndexes.FindAsync(connection, parameters.Schemas, tableOids, cancellationToken).ConfigureAwait(false);
        if (parameters.CleanLeftovers)
        {
            await CleanLeftoversAsync(connection, database, leftovers, cancellationToken).ConfigureAwait(false);
        }

        var leftoverOids = leftovers.Select(l => l.Oid).ToHashSet();
        var stats = await IndexStatsReader.ReadAsync(connection, indexOids, parameters.Schemas, tableOids, cancellationToken).ConfigureAwait(false);
        var chosen = new List<(IndexStats, IReadOnlyList<string>, double?)>();
        foreach (var index in stats.Where(s => !leftoverOids.Contains(s.Oid)))
        {
            _considered++;
            var bloat = IndexBloat.EstimateRatio(index);
            var reasons = Reasons(index, bloat);
            if (reasons.Count > 0)
            {
                chosen.Add((index, reasons, bloat));
            }
        }

        return chosen.OrderBy(c => c.Item1.IsValid).ThenByDescending(c => (c.Item3 ?? 0) * c.Item1.SizeBytes).ToArray();
    }

    private List<string> Reasons(IndexStats index, double? bloat)
    {
        var reasons = new List<string>(2);
        var target = parameters.Target;
        if (target == ReindexTarget.All)
        {
            reasons.Add(parameters.Indexes.Count > 0 ? "chosen by name" : "target all");
        }

        if (!index.IsValid && target is ReindexTarget.All or ReindexTarget.Needed or ReindexTarget.Invalid)
        {
            reasons.Add("invalid (indisvalid = false)");
        }

        if (bloat is { } ratio && ratio >= parameters.MinBloatRatio && ratio > 0 && index.SizeBytes >= parameters.MinSizeBytes
            && target is ReindexTarget.All or ReindexTarget.Needed or ReindexTarget.Bloated)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"estimated bloat {ratio * 100:0}% of {ByteSize.Format(index.SizeBytes)} ≥ minBloatRatio {parameters.MinBloatRatio * 100:0}%"));
        }

        return reasons;
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
                lock (_leftoversDropped)
                {
                    _leftoversDropped.Add($"{database}.{leftover.Display}");
                }

                context.Events.Log(LogLevel.Information, $"dropped the left-over invalid index {database}.{leftover.Display}");
            }
            else
            {
                context.Events.Log(LogLevel.Warning, $"left the invalid index {database}.{leftover.Display} alone: {refused}");
            }
        }
    }

    private async Task RebuildDatabaseAsync(string database, IReadOnlyList<(IndexStats Index, IReadOnlyList<string> Reasons, double? Bloat)> indexes,
        CancellationToken cancellationToken)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(database, cancellationToken).ConfigureAwait(false);
        await using var poller = new ProgressPoller(context.Connector, database, ProgressPoller.DefaultInterval, p => context.Events.Progress(new RunProgress
        {
            Phase = "reindexing",
            Database = database,
            Relation = _current,
            Detail = p.Phase,
            RelationPercent = p.Percent,
            Done = _done,
            Total = _total,
        }));
        poller.Watch(connection.ProcessID);
        foreach (var (index, reasons, bloat) in indexes)
        {
            _current = index.Display;
            context.Events.Progress(new RunProgress { Phase = "reindexing", Database = database, Relation = index.Display, Done = _done, Total = _total });
            _outcomes.Enqueue(await RebuildAsync(connection, database, index, reasons, bloat, cancellationToken).ConfigureAwait(false));
            _done++;
        }
    }

    private async Task<IndexOutcome> RebuildAsync(NpgsqlConnection connection, string database, IndexStats index, IReadOnlyList<string> reasons,
        double? bloat, CancellationToken cancellationToken)
    {
        var planned = Planned(database, index, reasons, bloat);
        var before = (await LeftoverIndexes.FindAsync(connection, null, [index.TableOid], cancellationToken).ConfigureAwait(false))
            .Select(l => l.Oid).ToHashSet();
        var clock = Stopwatch.StartNew();
        IndexOutcome outcome;
        try
        {
            await using (var reindex = new NpgsqlCommand($"REINDEX INDEX CONCURRENTLY {index.Quoted}", connection))
            {
                await reindex.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            outcome = await AfterAsync(connection, planned, clock.Elapsed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PostgresException or OperationCanceledException)
        {
            // An interrupted REINDEX CONCURRENTLY leaves an invalid '_ccnew' copy: drop ours before going on.
            await DropOwnLeftoversAsync(connection, database, index, before).ConfigureAwait(false);
            if (e is not PostgresException failure || cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            outcome = StatementFailures.IsSkippable(failure, cancellationToken)
                ? planned with
                {
                    Status = OutcomeStatus.Skipped,
                    Detail = await StatementFailures.DescribeAsync(failure, connection, index.Oid, parameters.Limits, cancellationToken).ConfigureAwait(false),
                }
                : planned with { Status = OutcomeStatus.Failed, Detail = $"{failure.SqlState}: {failure.MessageText}" };
        }

        LogOutcome(outcome);
        return outcome;
    }

    private async Task DropOwnLeftoversAsync(NpgsqlConnection connection, string database, IndexStats index, HashSet<uint> before)
    {
        // DROP INDEX CONCURRENTLY waits for the transactions that blocked the rebuild: give it longer than the run's lock_timeout.
        using var budget = new CancellationTokenSource(CleanupBudget);
        await CleanupLimits.ApplyAsync(connection, budget.Token).ConfigureAwait(false);
        foreach (var leftover in await LeftoverIndexes.FindAsync(connection, null, [index.TableOid], budget.Token).ConfigureAwait(false))
        {
            if (before.Contains(leftover.Oid))
            {
                continue;
            }

            if (await LeftoverIndexes.DropAsync(connection, leftover, budget.Token).ConfigureAwait(false) is { } refused)
            {
                context.Events.Log(LogLevel.Warning,
                    $"could not drop {database}.{leftover.Display}, left by the interrupted rebuild ({refused}); the next reindex drops it");
                continue;
            }

            lock (_leftoversDropped)
            {
                _leftoversDropped.Add($"{database}.{leftover.Display}");
            }

            context.Events.Log(LogLevel.Information, $"dropped {database}.{leftover.Display}, left by the interrupted rebuild");
        }

        await parameters.Limits.ApplyAsync(connection, budget.Token).ConfigureAwait(false);
    }

    private static async Task<IndexOutcome> AfterAsync(NpgsqlConnection connection, IndexOutcome planned, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_catalog.pg_relation_size(i.indexrelid), pg_catalog.pg_relation_filenode(i.indexrelid), i.indisvalid
            FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass($1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Sql.Identifier.Quote(planned.Schema, planned.Index) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var found = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return planned with
        {
            Status = OutcomeStatus.Done,
            SizeAfterBytes = found ? reader.GetInt64(0) : null,
            FileNodeAfter = found && !reader.IsDBNull(1) ? reader.GetFieldValue<uint>(1) : null,
            ValidAfter = found && reader.GetBoolean(2),
            DurationMs = Math.Round(elapsed.TotalMilliseconds, 1),
        };
    }

    private void LogOutcome(IndexOutcome outcome)
    {
        var name = $"{outcome.Database}.{outcome.Schema}.{outcome.Index}";
        if (outcome.Status == OutcomeStatus.Done)
        {
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"rebuilt {name} in {outcome.DurationMs:F0} ms: {ByteSize.Format(outcome.SizeBeforeBytes)} → " +
                $"{ByteSize.Format(outcome.SizeAfterBytes ?? 0)}, valid: {outcome.ValidAfter}"));
        }
        else
        {
            context.Events.Log(outcome.Status == OutcomeStatus.Skipped ? LogLevel.Warning : LogLevel.Error,
                $"{outcome.Status.ToString().ToLowerInvariant()} {name}: {outcome.Detail}");
        }
    }

    private static IndexOutcome Planned(string database, IndexStats index, IReadOnlyList<string> reasons, double? bloat) => new()
    {
        Database = database,
        Schema = index.Schema,
        Index = index.Name,
        Table = index.Table,
        Status = OutcomeStatus.Planned,
        Reasons = reasons,
        ValidBefore = index.IsValid,
        SizeBeforeBytes = index.SizeBytes,
        EstimatedBloatRatio = bloat is null ? null : Math.Round(bloat.Value, 3),
        FileNodeBefore = index.FileNode,
    };

    private static async Task<uint[]?> ResolveAsync(NpgsqlConnection connection, string database, IReadOnlyList<string> names,
        Func<NpgsqlConnection, string, CancellationToken, Task<TableRef?>> resolve, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return null;
        }

        var oids = new List<uint>(names.Count);
        foreach (var name in names)
        {
            oids.Add((await resolve(connection, name, cancellationToken).ConfigureAwait(false)
                      ?? throw new OperationFailedException($"'{name}' does not exist in database '{database}'.")).Oid);
        }

        return oids.Distinct().ToArray();
    }
}
