using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Runs.Fleet;

/// <summary>
/// The line of heavy runs in the worker's database (<c>ops.heavy_runs</c>), shared by every replica:
/// a heavy run enters when the line admits it (<see cref="HeavyRunLine"/>) and leaves when it ends. Each
/// decision is taken under one transaction-level advisory lock, so two replicas never give out the
/// same place. A run that must wait is parked with the Hangfire job that takes it up again; admitted
/// runs' jobs are woken at once (moved from Scheduled to Enqueued), by the run that left or by any
/// replica's dispatcher (<see cref="HeavyRunDispatcher"/>).
/// </summary>
public sealed class HeavyRunAdmission(
    OpsDataSource dataSource,
    IOptions<FleetOptions> options,
    IBackgroundJobClient jobs,
    TimeProvider clock,
    ILogger<HeavyRunAdmission> logger)
{
    private const string LineLock = "stackgres-ops/heavy-runs";

    /// <summary>How long a woken run has to start before it is woken again (its job may have been enqueued behind others).</summary>
    private static readonly TimeSpan WakeAgainAfter = TimeSpan.FromSeconds(30);

    private readonly HeavyRunLine line = new(options.Value);

    /// <summary>
    /// Takes a place for the run, or says why it waits. <paramref name="running"/>: a run taken over while it
    /// ran already holds its place (its runner may still be going), and takes it again if it had none.
    /// </summary>
    public async Task<Admission> TryEnterAsync(RunRecord run, IReadOnlyDictionary<string, string> labels, bool running, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (admission, wake) = await InLineAsync(async (connection, transaction) =>
        {
            var first = await JoinAsync(connection, transaction, run, labels, running, now, cancellationToken);
            var entries = await ReadAsync(connection, transaction, cancellationToken);
            var self = entries.FirstOrDefault(e => e.RunId == run.Id);
            if (self is null)
            {
                // The run ended meanwhile (a cancel while it was queued): the caller finds it so.
                return (new Admission(false, "the run has ended", false), Array.Empty<string>());
            }

            if (self.Admitted || running)
            {
                await MarkAsync(connection, transaction, "admitted_at = coalesce(admitted_at, $2), entered_at = $2", [run.Id], now, cancellationToken);
                return (Admission.Entered, Array.Empty<string>());
            }

            var plan = line.Plan(entries, now);
            var toWake = await AdmitAsync(connection, transaction, entries, plan, now, except: run.Id, cancellationToken);
            if (plan.Admit.Contains(run.Id))
            {
                await MarkAsync(connection, transaction, "entered_at = $2", [run.Id], now, cancellationToken);
                return (Admission.Entered, toWake);
            }

            return (new Admission(false, plan.WaitReasons.GetValueOrDefault(run.Id) ?? "older runs are first in line", first), toWake);
        }, cancellationToken);
        Wake(wake);
        return admission;
    }

    /// <summary>Puts the run in the line (already admitted when <paramref name="running"/>); false when it was there already.</summary>
    private static async Task<bool> JoinAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRecord run,
        IReadOnlyDictionary<string, string> labels, bool running, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO ops.heavy_runs (run_id, cluster, labels, queued_at, deadline_at, admitted_at, entered_at)
            VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN $7 END, CASE WHEN $6 THEN $7 END)
            ON CONFLICT (run_id) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = run.Id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Cluster });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(labels), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = run.CreatedAt });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = run.DeadlineAt });
        insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = running });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The run waits without a Hangfire worker: <paramref name="wakeJobId"/> takes it up again once admitted.</summary>
    public async Task ParkAsync(Guid runId, string wakeJobId, CancellationToken cancellationToken)
    {
        var wake = await InLineAsync(async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(
                """
                UPDATE ops.heavy_runs SET wake_job_id = $2, woken_at = CASE WHEN admitted_at IS NULL THEN NULL ELSE $3 END
                WHERE run_id = $1 RETURNING admitted_at IS NOT NULL
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = wakeJobId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() });
            // Admitted between its attempt and now: it goes at once.
            return await command.ExecuteScalarAsync(cancellationToken) is true ? [wakeJobId] : Array.Empty<string>();
        }, cancellationToken);
        Wake(wake);
    }

    /// <summary>The run ended (or gave its place up): the next ones in line are admitted and woken.</summary>
    public async Task LeaveAsync(Guid runId, CancellationToken cancellationToken)
    {
        var wake = await InLineAsync(async (connection, transaction) =>
        {
            await using (var delete = new NpgsqlCommand("DELETE FROM ops.heavy_runs WHERE run_id = $1", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            return await AdmitWaitingAsync(connection, transaction, cancellationToken);
        }, cancellationToken);
        Wake(wake);
    }

    /// <summary>
    /// One pass of the line, by any replica: places kept too long by runs that never started go back to the line,
    /// waiting runs that fit are admitted, and every admitted or finished-waiting run not started yet is woken.
    /// </summary>
    public async Task<LineState> DispatchAsync(CancellationToken cancellationToken)
    {
        var state = LineState.Empty;
        var wake = await InLineAsync(async (connection, transaction) =>
        {
            await using (var expire = new NpgsqlCommand(
                "UPDATE ops.heavy_runs SET admitted_at = NULL, woken_at = NULL WHERE entered_at IS NULL AND admitted_at < $1",
                connection, transaction))
            {
                expire.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = clock.GetUtcNow() - options.Value.ReservationTimeout });
                await expire.ExecuteNonQueryAsync(cancellationToken);
            }

            var entries = await ReadAsync(connection, transaction, cancellationToken);
            var now = clock.GetUtcNow();
            var plan = line.Plan(entries, now);
            state = new LineState(entries.Count(e => e.EnteredAt is not null), plan.Held, entries.Count - plan.Held);
            return await AdmitAsync(connection, transaction, entries, plan, now, except: null, cancellationToken);
        }, cancellationToken);
        Wake(wake);
        return state;
    }

    private async Task<string[]> AdmitWaitingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var entries = await ReadAsync(connection, transaction, cancellationToken);
        var now = clock.GetUtcNow();
        return await AdmitAsync(connection, transaction, entries, line.Plan(entries, now), now, except: null, cancellationToken);
    }

    /// <summary>Records the plan's admissions; returns the wake jobs of runs to wake: admitted or over, not started, not woken lately.</summary>
    private static async Task<string[]> AdmitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<HeavyRunEntry> entries,
        LinePlan plan, DateTimeOffset now, Guid? except, CancellationToken cancellationToken)
    {
        await MarkAsync(connection, transaction, "admitted_at = $2", plan.Admit, now, cancellationToken);
        var admitted = plan.Admit.ToHashSet();
        var toWake = entries
            .Where(e => e.RunId != except && e.WakeJobId is not null && e.EnteredAt is null)
            .Where(e => admitted.Contains(e.RunId) || ((e.Admitted || e.IsOver(now)) && !(e.WokenAt > now - WakeAgainAfter)))
            .ToArray();
        await MarkAsync(connection, transaction, "woken_at = $2", toWake.Select(e => e.RunId).ToArray(), now, cancellationToken);
        return toWake.Select(e => e.WakeJobId!).ToArray();
    }

    private static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string set, IReadOnlyList<Guid> runs, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand($"UPDATE ops.heavy_runs SET {set} WHERE run_id = ANY($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = runs.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The line's rows, after dropping those of runs that ended.</summary>
    private static async Task<IReadOnlyList<HeavyRunEntry>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var ended = new NpgsqlCommand(
            "DELETE FROM ops.heavy_runs h USING ops.runs r WHERE r.id = h.run_id AND r.status NOT IN ('queued', 'running')", connection, transaction))
        {
            await ended.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT h.run_id, h.cluster, h.labels::text, h.queued_at, h.deadline_at, h.wake_job_id, h.admitted_at, h.woken_at, h.entered_at, r.cancel_requested
            FROM ops.heavy_runs h JOIN ops.runs r ON r.id = h.run_id
            """, connection, transaction);
        var entries = new List<HeavyRunEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new HeavyRunEntry(
                reader.GetGuid(0),
                reader.GetString(1),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? [],
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetBoolean(9)));
        }

        return entries;
    }

    private async Task<T> InLineAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> decide, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LineLock });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = await decide(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Moves each parked job from Scheduled to Enqueued; a job already taken up (by its fallback) is left as it is.</summary>
    private void Wake(IReadOnlyList<string> jobIds)
    {
        foreach (var jobId in jobIds)
        {
            try
            {
                jobs.ChangeState(jobId, new EnqueuedState { Reason = "A place under the heavy-run limits is free" }, ScheduledState.StateName);
            }
            catch (Exception e) when (StorageRetry.IsTransient(e))
            {
                // Its fallback, or the next dispatch, wakes it.
                Log.HeavyRunWakeFailed(logger, jobId, e);
            }
        }
    }
}

/// <summary>Entered: the run holds its place. Otherwise why it waits, and whether it just joined the line.</summary>
public sealed record Admission(bool IsEntered, string? WaitReason, bool JustQueued)
{
    public static readonly Admission Entered = new(true, null, false);
}

/// <summary>What a dispatch saw: runs under way, places held (started or kept), runs waiting.</summary>
public sealed record LineState(int Running, int Held, int Waiting)
{
    public static readonly LineState Empty = new(0, 0, 0);
}
