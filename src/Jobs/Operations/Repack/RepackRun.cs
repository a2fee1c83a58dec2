using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Jobs.Sql;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>One execution of <c>repack</c>: plans every database, then runs pg_repack once per database on its chosen tables.</summary>
internal sealed partial class RepackRun(RepackParameters parameters, OperationContext context)
{
    private readonly ConcurrentQueue<TableOutcome> _outcomes = new();
    private readonly ConcurrentQueue<string> _debrisCleaned = new();
    private readonly Stopwatch _clock = new();
    private int _considered;
    private int _done;
    private int _total;

    /// <summary>Why pg_repack cannot (or must not) rebuild this table, or null.</summary>
    public static string? Refusal(TableStats table, DiskSpaceProbe.Measure disk) =>
        !table.HasRepackKey
            ? "it has no primary key nor a usable unique index (valid, immediate, not partial, on NOT NULL columns), which pg_repack needs"
            : DiskSpaceProbe.Problem(disk, table.TotalBytes);

    public async Task<RepackResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        var executable = context.DryRun ? PgRepackBinary.Locate() ?? "pg_repack"
            : PgRepackBinary.Locate() ?? throw new OperationFailedException(PgRepackBinary.NotFound);
        var plans = new List<(TablePlan Plan, RepackServerInfo Server, IReadOnlyList<PlannedTable> Runnable)>();
        foreach (var database in parameters.Databases)
        {
            plans.Add(await PlanAsync(database, cancellationToken).ConfigureAwait(false));
        }

        _considered = plans.Sum(p => p.Plan.Considered);
        _total = plans.Sum(p => p.Runnable.Count);
        PlanLog.Write(context, "repack", parameters.Target, plans.Select(p => p.Plan).ToArray(), _considered);
        if (context.DryRun)
        {
            foreach (var table in plans.SelectMany(p => p.Runnable))
            {
                _outcomes.Enqueue(table.ToPlanned());
            }

            return Result();
        }

        try
        {
            foreach (var (plan, server, runnable) in plans)
            {
                await RepackDatabaseAsync(executable, plan.Database, server, runnable, cancellationToken).ConfigureAwait(false);
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

    private RepackResult Result() => new(parameters.Target, context.DryRun, parameters.Databases, _considered, _outcomes.ToArray(),
        _debrisCleaned.ToArray(), Math.Round(_clock.Elapsed.TotalMilliseconds, 1));

    private async Task<(TablePlan, RepackServerInfo, IReadOnlyList<PlannedTable>)> PlanAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        var server = await RepackServerInfo.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (server.Problem(database, parameters.CreateExtension) is { } problem)
        {
            throw new OperationFailedException($"Cannot repack: {problem}.");
        }

        var plan = await TablePlanner.PlanAsync(connection, database, parameters.Scope, NeedKind.Repack, cancellationToken).ConfigureAwait(false);
        var disk = await DiskSpaceProbe.MeasureAsync(connection, parameters.AssumeFreeDiskBytes, cancellationToken).ConfigureAwait(false);
        var debris = plan.Tables.Count == 0 || server.InstalledVersion is null
            ? []
            : (await RepackDebris.FindAsync(connection, plan.Tables.Select(t => t.Stats.Oid).ToArray(), cancellationToken).ConfigureAwait(false)).ToHashSet();
        var runnable = new List<PlannedTable>(plan.Tables.Count);
        foreach (var table in plan.Tables)
        {
            var refusal = debris.Contains(table.Stats.Oid)
                ? "it carries left-overs of an earlier, interrupted pg_repack (repack_trigger or repack.log_/table_ objects); " +
                  "another pg_repack may be running on it"
                : Refusal(table.Stats, disk);
            if (refusal is null)
            {
                runnable.Add(table);
                continue;
            }

            var skipped = table.ToPlanned() with { Status = OutcomeStatus.Skipped, Detail = refusal };
            _outcomes.Enqueue(skipped);
            OutcomeLog.Write(context, "repacked", skipped);
        }

        return (plan, server, runnable);
    }

    private async Task RepackDatabaseAsync(string executable, string database, RepackServerInfo server, IReadOnlyList<PlannedTable> tables,
        CancellationToken cancellationToken)
    {
        if (tables.Count == 0)
        {
            return;
        }

        if (server.InstalledVersion is null)
        {
            await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_repack", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            context.Events.Log(LogLevel.Information, $"created the pg_repack extension in database {database}");
        }

        var arguments = Arguments(database, tables, server.IsSuperuser);
        var tracker = new RepackOutputTracker(await PrintedNamesAsync(database, tables, cancellationToken).ConfigureAwait(false),
            context, database, _done, _total);
        var process = new RepackProcess(executable, context.Connector.Cluster, context.Connector.Password, ApplicationNames.ForRun(context.RunId));
        int exitCode;
        try
        {
            exitCode = await process.RunAsync(arguments, tracker.OnLine, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await CleanUpAsync(database, tables).ConfigureAwait(false);
            await RecordAsync(database, tables, tracker, null).ConfigureAwait(false);
            throw;
        }

        await CleanUpAsync(database, tables).ConfigureAwait(false);
        await RecordAsync(database, tables, tracker, exitCode).ConfigureAwait(false);
    }

    /// <summary>The names pg_repack prints in its "repacking table" lines, from its own function.</summary>
    private async Task<Dictionary<string, PlannedTable>> PrintedNamesAsync(string database, IReadOnlyList<PlannedTable> tables,
        CancellationToken cancellationToken)
    {
        await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT o, repack.oid2text(o) FROM unnest($1::oid[]) AS o", connection);
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = tables.Select(t => t.Stats.Oid).ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid,
        });
        var byOid = tables.ToDictionary(t => t.Stats.Oid);
        var names = new Dictionary<string, PlannedTable>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names[reader.GetString(1)] = byOid[reader.GetFieldValue<uint>(0)];
        }

        return names;
    }

    private List<string> Arguments(string database, IReadOnlyList<PlannedTable> tables, bool superuser)
    {
        // pg_repack pastes the database name into a libpq connection string unquoted: quote it as a
        // connection-string value so that any name (spaces, quotes, '=') stays one value.
        var arguments = new List<string> { "--dbname", ConnectionStringValue.Quote(database) };
        foreach (var table in tables)
        {
            arguments.Add("--table");
            arguments.Add(Identifier.Quote(table.Stats.Schema, table.Stats.Name));
        }

        arguments.Add("--wait-timeout");
        arguments.Add(parameters.WaitTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
        if (parameters.NoKillBackend)
        {
            arguments.Add("--no-kill-backend");
        }

        if (parameters.NoOrder)
        {
            arguments.Add("--no-order");
        }

        if (parameters.NoAnalyze)
        {
            arguments.Add("--no-analyze");
        }

        if (parameters.Jobs > 1)
        {
            arguments.Add("--jobs");
            arguments.Add(parameters.Jobs.ToString(CultureInfo.InvariantCulture));
        }

        if (!superuser)
        {
            // pg_repack's client refuses non-superusers unless told; the server still checks ownership.
            arguments.Add("--no-superuser-check");
        }

        return arguments;
    }

    private async Task RecordAsync(string database, IReadOnlyList<PlannedTable> tables, RepackOutputTracker tracker, int? exitCode)
    {
        using var budget = new CancellationTokenSource(CleanupBudget);
        await using var connection = await context.Connector.OpenAsync(database, budget.Token).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var outcome = tracker.Outcome(table, exitCode);
            if (outcome.Status == OutcomeStatus.Done)
            {
                var after = await TableStatsReader.ReadAfterAsync(connection, table.Stats.Oid, budget.Token).ConfigureAwait(false);
                outcome = outcome with { SizeAfterBytes = after?.TotalBytes, XidAgeAfter = after?.XidAge };
                _done++;
            }

            _outcomes.Enqueue(outcome);
            OutcomeLog.Write(context, "repacked", outcome);
        }
    }
}
