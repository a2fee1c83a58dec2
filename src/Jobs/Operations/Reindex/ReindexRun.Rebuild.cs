using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>The rebuilds: REINDEX INDEX CONCURRENTLY one index at a time, and the clean-up of an interrupted one.</summary>
internal sealed partial class ReindexRun
{
    private static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(30);
    private static readonly SessionLimits CleanupLimits = new("25s", "0");
    private string? _current;

    private async Task RebuildDatabaseAsync(NpgsqlConnection connection, string database, IReadOnlyList<PlannedIndex> indexes,
        CancellationToken cancellationToken)
    {
        if (indexes.Count == 0)
        {
            return;
        }

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
        foreach (var planned in indexes)
        {
            _current = planned.Index.Display;
            context.Events.Progress(new RunProgress { Phase = "reindexing", Database = database, Relation = _current, Done = _done, Total = _total });
            _outcomes.Enqueue(await RebuildAsync(connection, planned, cancellationToken).ConfigureAwait(false));
            _done++;
        }
    }

    private async Task<IndexOutcome> RebuildAsync(NpgsqlConnection connection, PlannedIndex planned, CancellationToken cancellationToken)
    {
        var index = planned.Index;
        var outcome = planned.ToPlanned();
        var before = (await LeftoverIndexes.FindAsync(connection, null, [index.TableOid], cancellationToken).ConfigureAwait(false))
            .Select(l => l.Oid).ToHashSet();
        var clock = Stopwatch.StartNew();
        try
        {
            await using (var reindex = new NpgsqlCommand($"REINDEX INDEX CONCURRENTLY {index.Quoted}", connection))
            {
                await reindex.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            outcome = await AfterAsync(connection, outcome, clock.Elapsed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PostgresException or OperationCanceledException)
        {
            // An interrupted REINDEX CONCURRENTLY leaves an invalid '_ccnew' copy: drop ours before going on.
            await DropOwnLeftoversAsync(connection, planned, before).ConfigureAwait(false);
            if (e is not PostgresException failure || cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            outcome = StatementFailures.IsSkippable(failure, cancellationToken)
                ? outcome with
                {
                    Status = OutcomeStatus.Skipped,
                    Detail = await StatementFailures.DescribeAsync(failure, connection, index.Oid, parameters.Limits, cancellationToken).ConfigureAwait(false),
                }
                : outcome with { Status = OutcomeStatus.Failed, Detail = $"{failure.SqlState}: {failure.MessageText}" };
        }

        LogOutcome(outcome);
        return outcome;
    }

    private async Task DropOwnLeftoversAsync(NpgsqlConnection connection, PlannedIndex planned, HashSet<uint> before)
    {
        // DROP INDEX CONCURRENTLY waits for the transactions that blocked the rebuild: give it longer than the run's lock_timeout.
        using var budget = new CancellationTokenSource(CleanupBudget);
        await CleanupLimits.ApplyAsync(connection, budget.Token).ConfigureAwait(false);
        foreach (var leftover in await LeftoverIndexes.FindAsync(connection, null, [planned.Index.TableOid], budget.Token).ConfigureAwait(false))
        {
            if (before.Contains(leftover.Oid))
            {
                continue;
            }

            var name = $"{planned.Database}.{leftover.Display}";
            if (await LeftoverIndexes.DropAsync(connection, leftover, budget.Token).ConfigureAwait(false) is { } refused)
            {
                context.Events.Log(LogLevel.Warning, $"could not drop {name}, left by the interrupted rebuild ({refused}); the next reindex drops it");
                continue;
            }

            _leftoversDropped.Enqueue(name);
            context.Events.Log(LogLevel.Information, $"dropped {name}, left by the interrupted rebuild");
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
}
