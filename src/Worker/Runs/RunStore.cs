using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Notifications;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Run history in PostgreSQL. Every state change is one conditional UPDATE, so that a change that
/// is no longer allowed (a finished run started again) changes nothing, whatever replica asks. An end
/// that raises a notification (a failure, a window step skipped for lack of time) queues it in the same
/// transaction (<see cref="NotificationOutbox"/>).
/// </summary>
public sealed class RunStore(OpsDataSource dataSource, NotificationOutbox outbox, TimeProvider clock)
{
    private const string Columns =
        "id, cluster, operation, parameters, dry_run, trigger, status, reason, executor, job_id, cancel_requested, " +
        "progress, result, created_at, started_at, finished_at, deadline_at, window_step, timeout, max_retries";

    private const string ActiveStatuses = "('queued', 'running')";

    private const string Insert = $"INSERT INTO ops.runs ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

    /// <summary>Inserts a run; one recorded as already ended <paramref name="outOfTime"/> is a window step skipped for lack of time.</summary>
    public Task InsertAsync(RunRecord run, CancellationToken cancellationToken, bool outOfTime = false) =>
        InsertAllAsync([run], cancellationToken, outOfTime);

    /// <summary>Inserts several runs at once, all or none (the runs of one window step), with the notifications their ends raise.</summary>
    public async Task InsertAllAsync(IReadOnlyList<RunRecord> runs, CancellationToken cancellationToken, bool outOfTime = false)
    {
        await using var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var run in runs)
        {
            await using var command = new NpgsqlCommand(Insert, connection, transaction);
            AddInsertParameters(command, run);
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (run.Status.IsTerminal())
            {
                var notice = new RunEndNotice(run.Id, run.Cluster, run.Operation, run.Trigger, run.DryRun, run.Status, run.Reason, run.FinishedAt ?? run.CreatedAt);
                await NotifyAsync(notice, outOfTime, connection, transaction, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task NotifyAsync(RunEndNotice notice, bool outOfTime, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (notice.ToEvent(outOfTime) is { } notification && outbox.Wants(notification.Type))
        {
            await outbox.AddAsync(notification, connection, transaction, cancellationToken);
        }
    }

    /// <summary>The cluster's latest succeeded, not dry-run, run of the operation that has a result; null when there is none.</summary>
    public async Task<RunRecord?> LatestSucceededAsync(string cluster, string operation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            $"""
             SELECT {Columns} FROM ops.runs
             WHERE cluster = $1 AND operation = $2 AND status = 'succeeded' AND NOT dry_run AND result IS NOT NULL
             ORDER BY finished_at DESC, id DESC
             LIMIT 1
             """);
        command.Parameters.Add(Text(cluster));
        command.Parameters.Add(Text(operation));
        return await ReadOneAsync(command, cancellationToken);
    }

    private static void AddInsertParameters(NpgsqlCommand command, RunRecord run)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = run.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Cluster });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Operation });
        command.Parameters.Add(Json(run.Parameters));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = run.DryRun });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Trigger });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Status.ToWireName() });
        command.Parameters.Add(Text(run.Reason));
        command.Parameters.Add(Text(run.Executor));
        command.Parameters.Add(Text(run.JobId));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = run.CancelRequested });
        command.Parameters.Add(Json(run.Progress));
        command.Parameters.Add(Json(run.Result));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = run.CreatedAt });
        command.Parameters.Add(Time(run.StartedAt));
        command.Parameters.Add(Time(run.FinishedAt));
        command.Parameters.Add(Time(run.DeadlineAt));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.WindowStep ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.TimeoutSpan ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = run.MaxRetries });
    }

    /// <summary>The runs a Hangfire job created (a window's steps), oldest first.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListByJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand($"SELECT {Columns} FROM ops.runs WHERE job_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(Text(jobId));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// How long the operation took on the cluster, conservatively: the longest of its last five
    /// successful runs. Null when it never succeeded there.
    /// </summary>
    public async Task<TimeSpan?> EstimateAsync(string cluster, string operation, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            """
            SELECT max(extract(epoch FROM finished_at - started_at)) FROM (
                SELECT started_at, finished_at FROM ops.runs
                WHERE cluster = $1 AND operation = $2 AND status = 'succeeded' AND NOT dry_run AND started_at IS NOT NULL
                ORDER BY finished_at DESC LIMIT 5) recent
            """);
        command.Parameters.Add(Text(cluster));
        command.Parameters.Add(Text(operation));
        return await command.ExecuteScalarAsync(cancellationToken) is decimal seconds
            ? TimeSpan.FromSeconds((double)seconds)
            : null;
    }

    public async Task<long> CountAsync(RunQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            "SELECT count(*) FROM ops.runs WHERE ($1::text IS NULL OR cluster = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR operation = $3)");
        command.Parameters.Add(Text(query.Cluster));
        command.Parameters.Add(Text(query.Status?.ToWireName()));
        command.Parameters.Add(Text(query.Operation));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RunRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand($"SELECT {Columns} FROM ops.runs WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<RunRecord>> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            $"""
             SELECT {Columns} FROM ops.runs
             WHERE ($1::text IS NULL OR cluster = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR operation = $3)
             ORDER BY created_at DESC, id
             LIMIT $4 OFFSET $5
             """);
        command.Parameters.Add(Text(query.Cluster));
        command.Parameters.Add(Text(query.Status?.ToWireName()));
        command.Parameters.Add(Text(query.Operation));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Offset });
        return await ReadAllAsync(command, cancellationToken);
    }

    public Task<bool> SetJobIdAsync(Guid id, string jobId, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE ops.runs SET job_id = $2 WHERE id = $1", id, cancellationToken, Text(jobId));

    /// <summary>
    /// Takes the run for this worker: it must be active and nobody's, or its owner's lease must have
    /// run out. Returns the new attempt number (the fencing token every later change names), or
    /// null when the run has ended or another live worker holds it. Database time decides, so the
    /// replicas' clocks need not agree.
    /// </summary>
    public async Task<RunClaim?> TryClaimAsync(Guid id, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            $"""
             WITH previous AS (SELECT id, owner FROM ops.runs WHERE id = $1 FOR UPDATE)
             UPDATE ops.runs r SET owner = $2, attempt = r.attempt + 1, lease_expires_at = clock_timestamp() + $3
             FROM previous
             WHERE r.id = previous.id AND r.status IN {ActiveStatuses}
               AND (r.lease_expires_at IS NULL OR r.lease_expires_at < clock_timestamp())
             RETURNING r.attempt, r.status, previous.owner
             """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(Text(owner));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RunClaim(reader.GetInt32(0), reader.GetString(1) == "running", reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    /// <summary>Extends the lease of the attempt. False when the attempt lost the run (taken over, or ended).</summary>
    public Task<bool> RenewLeaseAsync(Guid id, int attempt, TimeSpan lease, CancellationToken cancellationToken) =>
        UpdateAsync(
            $"UPDATE ops.runs SET lease_expires_at = clock_timestamp() + $3 WHERE id = $1 AND attempt = $2 AND status IN {ActiveStatuses}",
            id, cancellationToken, new NpgsqlParameter<int> { TypedValue = attempt }, new NpgsqlParameter<TimeSpan> { TypedValue = lease });

    /// <summary>Gives the run up at once (a worker stopping while its runner goes on), for the next worker to take over without waiting.</summary>
    public Task<bool> ReleaseLeaseAsync(Guid id, int attempt, CancellationToken cancellationToken) =>
        UpdateAsync(
            $"UPDATE ops.runs SET lease_expires_at = clock_timestamp() WHERE id = $1 AND attempt = $2 AND status IN {ActiveStatuses}",
            id, cancellationToken, new NpgsqlParameter<int> { TypedValue = attempt });

    /// <summary>A queued run put back by the attempt holding it, owned by nobody, for its wake-up job to take up (not taken over meanwhile).</summary>
    public Task<bool> ReturnToQueueAsync(Guid id, int attempt, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE ops.runs SET owner = NULL, lease_expires_at = NULL WHERE id = $1 AND attempt = $2 AND status = 'queued'",
            id, cancellationToken, new NpgsqlParameter<int> { TypedValue = attempt });

    /// <summary>
    /// The runs to take over, oldest first: active runs whose owner's lease ran out, and queued runs
    /// nobody claimed although their own Hangfire job was fetched more than a lease ago (the worker that
    /// fetched it died before it could claim the run; Hangfire would hand the job out again only
    /// after its invisibility timeout, 30 minutes).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ListAbandonedAsync(int limit, string hangfireSchema, TimeSpan lease, CancellationToken cancellationToken)
    {
        var queue = $"\"{hangfireSchema.Replace("\"", "\"\"", StringComparison.Ordinal)}\".jobqueue";
        await using var command = dataSource.Value.CreateCommand(
            $"""
             (SELECT id, lease_expires_at AS since FROM ops.runs
              WHERE status IN {ActiveStatuses} AND owner IS NOT NULL AND lease_expires_at < clock_timestamp())
             UNION ALL
             (SELECT r.id, q.fetchedat FROM ops.runs r JOIN {queue} q ON q.jobid::text = r.job_id
              WHERE r.status = 'queued' AND r.owner IS NULL AND r.window_step IS NULL AND q.fetchedat < clock_timestamp() - $2)
             ORDER BY since LIMIT $1
             """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>queued → running (or running again after a take-over), by the attempt holding the run. False when it ended, cancel was asked, or the attempt lost it.</summary>
    public Task<bool> TryStartAsync(Guid id, string executor, int attempt, CancellationToken cancellationToken) =>
        UpdateAsync(
            $"""
             UPDATE ops.runs SET status = 'running', executor = $2, started_at = coalesce(started_at, $3)
             WHERE id = $1 AND status IN {ActiveStatuses} AND NOT cancel_requested AND attempt = $4
             """,
            id, cancellationToken, Text(executor), Time(clock.GetUtcNow()), new NpgsqlParameter<int> { TypedValue = attempt });

    public Task<bool> UpdateProgressAsync(Guid id, RunProgress progress, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE ops.runs SET progress = $2 WHERE id = $1 AND status = 'running'", id, cancellationToken, Json(progress));

    /// <summary>
    /// Ends an active run. False when it had already ended, or when <paramref name="attempt"/> is
    /// given and is no longer the run's (another worker took it over). <paramref name="outOfTime"/>: a
    /// window's step skipped because it would not fit, which is notified.
    /// </summary>
    public async Task<bool> FinishAsync(Guid id, RunStatus status, string? reason, JsonElement? result, CancellationToken cancellationToken,
        int? attempt = null, bool outOfTime = false)
    {
        if (!status.IsTerminal())
        {
            throw new ArgumentException($"{status} is not a final state.", nameof(status));
        }

        var finishedAt = clock.GetUtcNow();
        await using var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
             UPDATE ops.runs SET status = $2, reason = $3, result = $4, finished_at = $5, lease_expires_at = NULL,
                 progress = CASE WHEN $2 = 'succeeded' THEN NULL ELSE progress END
             WHERE id = $1 AND status IN {ActiveStatuses} AND ($6::integer IS NULL OR attempt = $6)
             RETURNING cluster, operation, trigger, dry_run
             """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.AddRange(new[]
        {
            Text(status.ToWireName()), Text(reason), Json(result), Time(finishedAt),
            new NpgsqlParameter { Value = (object?)attempt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer },
        });
        RunEndNotice? notice = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                notice = new RunEndNotice(id, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), status, reason, finishedAt)
                {
                    Result = result,
                };
            }
        }

        if (notice is not null)
        {
            await NotifyAsync(notice, outOfTime, connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return notice is not null;
    }

    /// <summary>
    /// Asks a run to stop: a queued run is cancelled at once, a running one is flagged and its
    /// executor stops it. Returns the run as it now stands, or null when there is no such run.
    /// </summary>
    public async Task<RunRecord?> RequestCancelAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        // One statement: positional parameters cannot span several commands. The outer SELECT sees the
        // table as it was before the UPDATE, hence the updated row from RETURNING, else the row unchanged.
        await using var command = dataSource.Value.CreateCommand(
            $"""
             WITH updated AS (
                 UPDATE ops.runs SET
                     cancel_requested = true,
                     status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                     reason = CASE WHEN status = 'queued' THEN $2 ELSE reason END,
                     finished_at = CASE WHEN status = 'queued' THEN $3 ELSE finished_at END
                 WHERE id = $1 AND status IN {ActiveStatuses}
                 RETURNING {Columns}
             )
             SELECT {Columns} FROM updated
             UNION ALL
             SELECT {Columns} FROM ops.runs WHERE id = $1 AND NOT EXISTS (SELECT FROM updated)
             """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(Text(reason));
        command.Parameters.Add(Time(clock.GetUtcNow()));
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand("SELECT cancel_requested FROM ops.runs WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task AppendLogAsync(Guid id, DateTimeOffset time, string level, string message, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            "INSERT INTO ops.run_logs (run_id, time, level, message) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = level });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RunLogLine>> GetLogAsync(Guid id, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Value.CreateCommand(
            "SELECT seq, time, level, message FROM ops.run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var lines = new List<RunLogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new RunLogLine(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3)));
        }

        return lines;
    }

    private async Task<bool> UpdateAsync(string sql, Guid id, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.Value.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task<IReadOnlyList<RunRecord>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    private static async Task<RunRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static RunRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        Cluster = reader.GetString(1),
        Operation = reader.GetString(2),
        Parameters = JsonDocument.Parse(reader.GetString(3)).RootElement,
        DryRun = reader.GetBoolean(4),
        Trigger = reader.GetString(5),
        Status = Enum.Parse<RunStatus>(reader.GetString(6), ignoreCase: true),
        Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
        Executor = reader.IsDBNull(8) ? null : reader.GetString(8),
        JobId = reader.IsDBNull(9) ? null : reader.GetString(9),
        CancelRequested = reader.GetBoolean(10),
        Progress = reader.IsDBNull(11) ? null : JsonSerializer.Deserialize<RunProgress>(reader.GetString(11), OpsJson.Options),
        Result = reader.IsDBNull(12) ? null : JsonDocument.Parse(reader.GetString(12)).RootElement,
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
        StartedAt = reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
        FinishedAt = reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
        DeadlineAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
        WindowStep = reader.IsDBNull(17) ? null : reader.GetInt32(17),
        TimeoutSpan = reader.IsDBNull(18) ? null : reader.GetFieldValue<TimeSpan>(18),
        MaxRetries = reader.GetInt32(19),
    };

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Json<T>(T? value) => new()
    {
        Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, OpsJson.Options),
        NpgsqlDbType = NpgsqlDbType.Json,
    };
}
