using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Clusters.Topology;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// Restarts a cluster's instances one at a time without losing a committed transaction: every replica first (each
/// waited on until it streams again with little lag), then the primary, by a switchover to the most caught-up
/// replica (clean shutdown of the primary — its walsenders hand the replicas all its WAL —, promotion once the
/// candidate has replayed the shutdown checkpoint, the other replicas re-pointed, the old primary rewound with
/// pg_rewind and restarted as a replica) or in place. Never more than one instance is down. On any failure the roll
/// stops, makes sure a primary accepts writes, and says what it did and what it left.
/// </summary>
public sealed class RollingRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CriticalPollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ExitedGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StreamingGrace = TimeSpan.FromSeconds(10);
    private readonly RollingParameters parameters;
    private readonly OperationContext context;
    private readonly IReadOnlyList<ClusterInstance> instances;
    private readonly ClusterTopologyReader topology;
    private readonly RollJournal journal;
    private readonly Dictionary<string, LocalInstanceControl> controls = new(StringComparer.Ordinal);

    public RollingRun(string operation, RollingParameters parameters, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.parameters = parameters;
        this.context = context;
        instances = context.Connector.Cluster.Instances;
        topology = new ClusterTopologyReader(context.Connector, instances);
        journal = new RollJournal(operation, parameters, context);
    }

    /// <summary>Restarts (or upgrades) replicas, then the primary as <see cref="RollingParameters.SwitchoverPrimary"/> says.</summary>
    public Task<RollingResult> RollAsync(CancellationToken cancellationToken) => RunAsync(RollAllAsync, cancellationToken);

    private async Task<RollingResult> RunAsync(Func<ClusterTopology, CancellationToken, Task> roll, CancellationToken cancellationToken)
    {
        var start = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        return await journal.RunAsync(
            instances.Select(i => i.Name).ToArray(),
            instances.Select(i => $"{i.Host}:{i.Port}").ToArray(),
            token => roll(start, token),
            ReadStateAsync,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        var now = await topology.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ClusterState(now.Primary?.Instance.Name, now.ToViews(), now.Describe());
    }

    /// <summary>Only the switchover: the primary's role moves to a replica, the old primary follows it.</summary>
    public Task<RollingResult> SwitchoverAsync(CancellationToken cancellationToken) => RunAsync(async (start, token) =>
    {
        var candidate = ChooseCandidate(start);
        await SwitchoverAsync(start.Primary!, candidate, binDirectoryForOldPrimary: null, token).ConfigureAwait(false);
    }, cancellationToken);

    private async Task<ClusterTopology> PrepareAsync(CancellationToken cancellationToken)
    {
        if (instances.Count == 0)
        {
            throw new OperationFailedException(
                $"Cluster {context.Connector.Cluster.Name ?? context.Connector.Cluster.ToString()} lists no Instances in the inventory: " +
                $"{journal.Operation} needs the primary and its replicas named (Ops:Clusters:<name>:Instances).");
        }

        foreach (var instance in instances)
        {
            controls[instance.Name] = await LocalInstanceControl.ForAsync(instance, cancellationToken).ConfigureAwait(false);
        }

        var start = await topology.ReadAsync(cancellationToken).ConfigureAwait(false);
        journal.Before = start.ToViews();
        context.Events.Log(LogLevel.Information, $"Topology before {journal.Operation}: {start.Describe()}");
        if (start.Primary is not { } primary)
        {
            throw new OperationFailedException(start.Primaries.Count == 0
                ? $"No instance accepts writes ({start.Describe()}); {journal.Operation} starts only on a cluster with a primary."
                : $"More than one instance accepts writes ({string.Join(", ", start.Primaries.Select(p => p.Instance.Name))}): a split brain to resolve by hand first.");
        }

        journal.PrimaryBefore = primary.Instance.Name;
        var unhealthy = start.Instances.Where(i => i != primary && !start.IsStreaming(i)).ToArray();
        for (var grace = Stopwatch.StartNew(); unhealthy.Length > 0 && grace.Elapsed < StreamingGrace; )
        {
            // A replica reconnecting after a restart of its primary streams again within wal_retrieve_retry_interval (5 s).
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            start = await topology.ReadAsync(cancellationToken).ConfigureAwait(false);
            primary = start.Primary ?? primary;
            unhealthy = start.Instances.Where(i => i.Instance.Name != primary.Instance.Name && !start.IsStreaming(i)).ToArray();
        }

        if (unhealthy.Length > 0)
        {
            // Restarting another instance now would put two down at once.
            throw new OperationFailedException(
                $"{journal.Operation} starts only when every replica streams from the primary: {string.Join("; ", unhealthy.Select(start.Describe))}.");
        }

        if (parameters.TargetBinDirectory is { } binDirectory)
        {
            journal.TargetVersion = await CheckTargetBinariesAsync(binDirectory, primary, cancellationToken).ConfigureAwait(false);
        }

        return start;
    }

    private async Task RollAllAsync(ClusterTopology start, CancellationToken cancellationToken)
    {
        var replicas = start.Replicas.OrderBy(r => r.Instance.Name, StringComparer.Ordinal).ToArray();
        var total = replicas.Length + 1;
        var done = 0;
        foreach (var replica in replicas)
        {
            cancellationToken.ThrowIfCancellationRequested();
            journal.Progress($"restarting replica {replica.Instance.Name}", done++, total);
            if (await SkipReasonAsync(replica.Instance, cancellationToken).ConfigureAwait(false) is { } reason)
            {
                journal.Skip(replica.Instance.Name, replica.Role, reason);
                continue;
            }

            await RestartReplicaAsync(replica.Instance, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = await topology.ReadAsync(cancellationToken).ConfigureAwait(false);
        var primary = now.Primary ?? throw new RollFailedException($"The primary was lost while the replicas restarted: {now.Describe()}.");
        journal.Progress($"primary {primary.Instance.Name}", done, total);
        if (await SkipReasonAsync(primary.Instance, cancellationToken).ConfigureAwait(false) is { } primaryReason)
        {
            journal.Skip(primary.Instance.Name, primary.Role, primaryReason);
        }
        else if (parameters.SwitchoverPrimary && now.Replicas.Count > 0)
        {
            await SwitchoverAsync(primary, ChooseCandidate(now), parameters.TargetBinDirectory, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RestartPrimaryInPlaceAsync(primary.Instance, cancellationToken).ConfigureAwait(false);
        }

        journal.Progress("done", total, total);
    }

    /// <summary>Why an instance needs no restart (onlyPendingRestart, or already on the target binaries); null: restart it.</summary>
    private async Task<string?> SkipReasonAsync(ClusterInstance instance, CancellationToken cancellationToken)
    {
        if (parameters.TargetBinDirectory is { } target &&
            string.Equals(controls[instance.Name].RunningBinDirectory(), Path.TrimEndingDirectorySeparator(target), StringComparison.Ordinal))
        {
            return $"already runs the binaries of {target}";
        }

        if (!parameters.PendingRestartOnly)
        {
            return null;
        }

        await using var connection = await topology.ConnectorOf(instance).OpenAsync("postgres", cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_settings WHERE pending_restart", connection);
        var pending = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return pending == 0 ? "no setting is waiting for a restart" : null;
    }

    private async Task RestartReplicaAsync(ClusterInstance replica, CancellationToken cancellationToken)
    {
        var control = controls[replica.Name];
        var binDirectory = parameters.TargetBinDirectory ?? control.CurrentBinDirectory();
        var action = parameters.TargetBinDirectory is null ? "restart" : "upgrade";
        var step = journal.Begin(replica.Name, action, "replica");
        if (context.DryRun)
        {
            journal.End(step, "dry run: not restarted", downSeconds: null, "skipped");
            return;
        }

        context.Events.Log(LogLevel.Information, $"{Capitalized(action)} replica {replica} onto {binDirectory}");

        // From here on the instance is down: bring it back even if the run is cancelled meanwhile.
        var down = Stopwatch.StartNew();
        var logFile = await control.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await control.StartAsync(binDirectory, logFile, CancellationToken.None).ConfigureAwait(false);
        var upAfter = await WaitUntilAsync(replica, control, logFile, t => t[replica.Name].Reachable, "accept connections", down).ConfigureAwait(false);
        await WaitUntilAsync(replica, control, logFile, t => t.IsStreaming(t[replica.Name]) && t.LagBytes(t[replica.Name]) <= parameters.MaxLag,
            $"stream from the primary with at most {parameters.MaxLag} bytes of lag", down).ConfigureAwait(false);
        journal.End(step, $"streaming again after {down.Elapsed.TotalSeconds:0.0} s", upAfter.TotalSeconds);
    }

    private async Task RestartPrimaryInPlaceAsync(ClusterInstance primary, CancellationToken cancellationToken)
    {
        var control = controls[primary.Name];
        var binDirectory = parameters.TargetBinDirectory ?? control.CurrentBinDirectory();
        var step = journal.Begin(primary.Name, "restart-primary", "primary");
        if (context.DryRun)
        {
            journal.End(step, "dry run: not restarted", downSeconds: null, "skipped");
            return;
        }

        context.Events.Log(LogLevel.Warning, $"Restarting the primary {primary} in place: writes stop until it is back");
        var down = Stopwatch.StartNew();
        var logFile = await control.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await control.StartAsync(binDirectory, logFile, CancellationToken.None).ConfigureAwait(false);
        var upAfter = await WaitUntilAsync(primary, control, logFile, t => t.Primary?.Instance.Name == primary.Name, "accept writes", down)
            .ConfigureAwait(false);

        // The replicas reconnect on their own (after wal_retrieve_retry_interval); the roll ends when they have.
        await WaitUntilAsync(primary, control, logFile, t => t.Replicas.All(t.IsStreaming), "have its replicas streaming again", down)
            .ConfigureAwait(false);
        journal.End(step, $"accepting writes again after {upAfter.TotalSeconds:0.00} s; replicas streaming after {down.Elapsed.TotalSeconds:0.0} s", upAfter.TotalSeconds);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private InstanceStatus ChooseCandidate(ClusterTopology now)
    {
        var streaming = now.Replicas.Where(now.IsStreaming).ToArray();
        if (parameters.CandidateInstance is { } name)
        {
            var named = now.Instances.FirstOrDefault(i => string.Equals(i.Instance.Name, name, StringComparison.Ordinal))
                ?? throw new OperationFailedException($"Parameter 'candidate': the cluster has no instance '{name}' (it has {string.Join(", ", instances.Select(i => i.Name))}).");
            if (!streaming.Contains(named))
            {
                throw new OperationFailedException($"Parameter 'candidate': {now.Describe(named)}; only a streaming replica can be promoted.");
            }

            return named;
        }

        return streaming.OrderByDescending(r => r.Lsn ?? NpgsqlLogSequenceNumber.Invalid).ThenBy(r => r.Instance.Name, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new OperationFailedException($"No replica streams from the primary: nothing to switch over to ({now.Describe()}).");
    }

    private async Task SwitchoverAsync(InstanceStatus oldPrimary, InstanceStatus candidate, string? binDirectoryForOldPrimary, CancellationToken cancellationToken)
    {
        var now = await topology.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (now.LagBytes(now[candidate.Instance.Name]) is not { } lag || lag > parameters.MaxLag)
        {
            throw new RollFailedException(
                $"Candidate {candidate.Instance.Name} is too far behind to be promoted ({now.Describe(now[candidate.Instance.Name])}; maxLagBytes {parameters.MaxLag}); nothing was stopped.");
        }

        var oldControl = controls[oldPrimary.Instance.Name];
        var newControl = controls[candidate.Instance.Name];
        var conninfoTemplate = newControl.ReadPrimaryConnInfo()
            ?? throw new RollFailedException($"Candidate {candidate.Instance.Name} has no primary_conninfo in its postgresql.auto.conf to copy for the others; nothing was stopped.");
        var oldBinDirectory = oldControl.CurrentBinDirectory();
        var step = journal.Begin(oldPrimary.Instance.Name, "switchover", "primary", $"to {candidate.Instance.Name}");
        if (context.DryRun)
        {
            journal.End(step, $"dry run: {candidate.Instance.Name} would be promoted", downSeconds: null, "skipped");
            return;
        }

        context.Events.Log(LogLevel.Information, $"Switchover from {oldPrimary.Instance} to {candidate.Instance}");

        // A checkpoint now makes the shutdown checkpoint short.
        await ExecuteAsync(oldPrimary.Instance, "CHECKPOINT", cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // One session to the candidate, opened before the shutdown: the critical wait polls it every few milliseconds.
        await using var candidateSession = await topology.ConnectorOf(candidate.Instance).OpenAsync("postgres", cancellationToken).ConfigureAwait(false);

        // From the shutdown on, nothing is cancelled half-way: the cluster must end with a primary.
        var down = Stopwatch.StartNew();
        var logFile = await oldControl.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var shutdownCheckpoint = await oldControl.LatestCheckpointAsync(oldBinDirectory, CancellationToken.None).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information, $"{oldPrimary.Instance.Name} stopped cleanly at {shutdownCheckpoint}; waiting for {candidate.Instance.Name} to replay it");
        var promoteRequested = false;
        try
        {
            await WaitForReplayAsync(candidateSession, candidate.Instance, shutdownCheckpoint).ConfigureAwait(false);
            promoteRequested = true;
            await using var promote = new NpgsqlCommand("SELECT pg_catalog.pg_promote(true, $1)", candidateSession);
            promote.Parameters.Add(new NpgsqlParameter { Value = (int)Math.Ceiling(parameters.Timeout.TotalSeconds) });
            if (await promote.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is not true)
            {
                throw new RollFailedException($"{candidate.Instance.Name} was asked to promote and did not within {parameters.Timeout.TotalSeconds:0} s");
            }
        }
        catch (Exception e) when (e is RollFailedException or NpgsqlException)
        {
            await AbandonSwitchoverAsync(step, e.Message, down, oldPrimary.Instance, candidate.Instance, promoteRequested, oldBinDirectory, logFile)
                .ConfigureAwait(false);
        }

        var writesBack = down.Elapsed;
        journal.End(step, $"{candidate.Instance.Name} accepts writes {writesBack.TotalSeconds:0.00} s after {oldPrimary.Instance.Name} began to stop", writesBack.TotalSeconds);
        context.Events.Log(LogLevel.Information, $"{candidate.Instance.Name} promoted; writes were refused for {writesBack.TotalSeconds:0.00} s");

        await RepointReplicasAsync(oldPrimary.Instance, candidate.Instance, conninfoTemplate).ConfigureAwait(false);
        await RejoinAsync(oldPrimary.Instance, candidate.Instance, shutdownCheckpoint, binDirectoryForOldPrimary ?? oldBinDirectory, conninfoTemplate, logFile).ConfigureAwait(false);
    }

    /// <summary>Polls the candidate's replay position until it is past the old primary's shutdown checkpoint.</summary>
    private async Task WaitForReplayAsync(NpgsqlConnection candidateSession, ClusterInstance candidate, NpgsqlLogSequenceNumber shutdownCheckpoint)
    {
        var waited = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_last_wal_replay_lsn()::text", candidateSession);
        while (true)
        {
            var replayed = await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is string text
                ? NpgsqlLogSequenceNumber.Parse(text)
                : (NpgsqlLogSequenceNumber?)null;
            if (replayed > shutdownCheckpoint)
            {
                return;
            }

            if (waited.Elapsed > parameters.Timeout)
            {
                throw new RollFailedException(
                    $"{candidate.Name} did not replay the old primary's shutdown checkpoint {shutdownCheckpoint} within {parameters.Timeout.TotalSeconds:0} s (it is at {replayed})");
            }

            await Task.Delay(CriticalPollInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The switchover cannot go on. If the candidate became the primary after all, that is kept (never two primaries);
    /// if its promotion was requested and may still happen, it is stopped first; then the old primary starts again as
    /// the primary.
    /// </summary>
    private async Task AbandonSwitchoverAsync(RollStep step, string why, Stopwatch down, ClusterInstance oldPrimary, ClusterInstance candidate,
        bool promoteRequested, string oldBinDirectory, string logFile)
    {
        if (promoteRequested)
        {
            try
            {
                await WaitUntilAsync(candidate, controls[candidate.Name], null, t => t[candidate.Name].Role == "primary", "finish its promotion", Stopwatch.StartNew())
                    .ConfigureAwait(false);
                context.Events.Log(LogLevel.Warning, $"{why}; but {candidate.Name} did become the primary: the switchover goes on");
                return;
            }
            catch (RollFailedException)
            {
                context.Events.Log(LogLevel.Warning, $"Stopping {candidate.Name}, whose promotion was requested but did not happen, before {oldPrimary.Name} starts again");
                await controls[candidate.Name].StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        journal.End(step, $"abandoned: {why}", down.Elapsed.TotalSeconds, "failed");
        await RestartAsPrimaryAsync(oldPrimary, controls[oldPrimary.Name], oldBinDirectory, logFile).ConfigureAwait(false);
        throw new RollFailedException($"Switchover to {candidate.Name} abandoned ({why}); {oldPrimary.Name} was started again as the primary.");
    }

    /// <summary>The other replicas get a slot on the new primary and follow it (primary_conninfo is reloadable).</summary>
    private async Task RepointReplicasAsync(ClusterInstance oldPrimary, ClusterInstance newPrimary, string conninfoTemplate)
    {
        foreach (var replica in instances.Where(i => i.Name != oldPrimary.Name && i.Name != newPrimary.Name))
        {
            var step = journal.Begin(replica.Name, "follow", "replica", $"now {newPrimary.Name}");
            var slot = LocalInstanceControl.SlotNameOf(replica);
            await CreateSlotAsync(newPrimary, slot).ConfigureAwait(false);
            await controls[replica.Name].FollowAsync(newPrimary, conninfoTemplate, slot, CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync(replica, "SELECT pg_catalog.pg_reload_conf()", CancellationToken.None).ConfigureAwait(false);
            await WaitUntilAsync(replica, controls[replica.Name], null, t => t.IsStreaming(t[replica.Name]), $"stream from {newPrimary.Name}", Stopwatch.StartNew())
                .ConfigureAwait(false);
            journal.End(step, $"streams from {newPrimary.Name}", downSeconds: 0);
        }
    }

    /// <summary>The old primary is rewound onto the new timeline and started as a replica of the new primary.</summary>
    private async Task RejoinAsync(ClusterInstance oldPrimary, ClusterInstance newPrimary, NpgsqlLogSequenceNumber shutdownCheckpoint, string binDirectory, string conninfoTemplate,
        string logFile)
    {
        var control = controls[oldPrimary.Name];
        var step = journal.Begin(oldPrimary.Name, "rewind", "stopped", $"onto {newPrimary.Name}");
        var slot = LocalInstanceControl.SlotNameOf(oldPrimary);
        await CreateSlotAsync(newPrimary, slot).ConfigureAwait(false);

        // pg_rewind reads the source's timeline from its control file, written by a checkpoint after the promotion.
        await ExecuteAsync(newPrimary, "CHECKPOINT", CancellationToken.None).ConfigureAwait(false);
        var down = Stopwatch.StartNew();
        string rewound;
        try
        {
            rewound = await control.RewindAsync(binDirectory, newPrimary, context.Connector.Cluster.Username, context.Connector.Password, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (OperationFailedException e)
        {
            // The new primary replayed the old one's shutdown checkpoint before its promotion: their histories do not
            // diverge, so the old primary can follow as it is (what pg_rewind would have found).
            context.Events.Log(LogLevel.Warning, $"{e.Message} Not needed here: {newPrimary.Name} had replayed {oldPrimary.Name}'s shutdown checkpoint {shutdownCheckpoint} before its promotion.");
            rewound = "not run (" + e.Message + "); not needed after a clean switchover";
        }

        await control.FollowAsync(newPrimary, conninfoTemplate, slot, CancellationToken.None).ConfigureAwait(false);
        journal.End(step, $"pg_rewind: {rewound}", downSeconds: null);

        var start = journal.Begin(oldPrimary.Name, parameters.TargetBinDirectory is null ? "restart" : "upgrade", "replica", $"following {newPrimary.Name}");
        await control.StartAsync(binDirectory, logFile, CancellationToken.None).ConfigureAwait(false);
        await WaitUntilAsync(oldPrimary, control, logFile, t => t.IsStreaming(t[oldPrimary.Name]) && t.LagBytes(t[oldPrimary.Name]) <= parameters.MaxLag,
            $"stream from {newPrimary.Name}", down).ConfigureAwait(false);
        await DropStaleSlotsAsync(oldPrimary).ConfigureAwait(false);
        journal.End(start, $"streams from {newPrimary.Name}", down.Elapsed.TotalSeconds);
    }

    /// <summary>Slots the old primary kept for its replicas would hold WAL back forever on a replica.</summary>
    private async Task DropStaleSlotsAsync(ClusterInstance instance)
    {
        try
        {
            await ExecuteAsync(instance,
                "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots WHERE NOT active AND slot_type = 'physical'",
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            context.Events.Log(LogLevel.Warning, $"Could not drop the replication slots {instance.Name} kept from its time as primary: {e.MessageText}");
        }
    }

    private async Task RestartAsPrimaryAsync(ClusterInstance primary, LocalInstanceControl control, string binDirectory, string logFile)
    {
        context.Events.Log(LogLevel.Warning, $"Starting {primary} again as the primary");
        await control.StartAsync(binDirectory, logFile, CancellationToken.None).ConfigureAwait(false);
        await WaitUntilAsync(primary, control, logFile, t => t.Primary?.Instance.Name == primary.Name, "accept writes again", Stopwatch.StartNew())
            .ConfigureAwait(false);
    }

    private async Task CreateSlotAsync(ClusterInstance primary, string slot)
    {
        await using var connection = await topology.ConnectorOf(primary).OpenAsync("postgres", CancellationToken.None).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT pg_catalog.pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = $1)",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(ClusterInstance instance, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await topology.ConnectorOf(instance).OpenAsync("postgres", cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls the topology until <paramref name="condition"/> holds; fails when the timeout passes or the instance's
    /// server process has exited (a start that failed). Returns how long after <paramref name="since"/> it held.
    /// </summary>
    private async Task<TimeSpan> WaitUntilAsync(ClusterInstance instance, LocalInstanceControl control, string? logFile,
        Func<ClusterTopology, bool> condition, string what, Stopwatch since)
    {
        var waited = Stopwatch.StartNew();
        TimeSpan? notRunningSince = null;
        while (true)
        {
            var now = await topology.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (condition(now))
            {
                return since.Elapsed;
            }

            if (!control.IsRunning)
            {
                notRunningSince ??= waited.Elapsed;
                if (waited.Elapsed - notRunningSince > ExitedGrace)
                {
                    throw new RollFailedException(
                        $"{instance.Name} did not {what}: its server is not running{LogTail(logFile)}");
                }
            }
            else
            {
                notRunningSince = null;
            }

            if (waited.Elapsed > parameters.Timeout)
            {
                throw new RollFailedException(
                    $"{instance.Name} did not {what} within {parameters.Timeout.TotalSeconds:0} s ({now.Describe(now[instance.Name])}){LogTail(logFile)}");
            }

            await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string LogTail(string? logFile)
    {
        if (logFile is null || !File.Exists(logFile))
        {
            return ".";
        }

        var last = File.ReadLines(logFile).TakeLast(3).Select(l => l.Trim()).Where(l => l.Length > 0);
        return $"; last lines of {logFile}: {string.Join(" | ", last)}";
    }

    private async Task<string> CheckTargetBinariesAsync(string binDirectory, InstanceStatus primary, CancellationToken cancellationToken)
    {
        var postgres = Path.Combine(binDirectory, "postgres");
        if (!File.Exists(postgres) || !File.Exists(Path.Combine(binDirectory, "pg_ctl")))
        {
            throw new OperationFailedException($"Parameter 'binDirectory': '{binDirectory}' holds no postgres and pg_ctl.");
        }

        var result = await ProcessRunner.RunAsync(postgres, ["--version"], cancellationToken).ConfigureAwait(false);
        var version = PostgresVersion.Parse(result.StandardOutput)
            ?? throw new OperationFailedException($"Parameter 'binDirectory': '{postgres} --version' printed no version ({result.StandardOutput.Trim()}).");
        var running = primary.ServerVersionNumber ?? 0;
        if (version.Major != running / 10000)
        {
            throw new OperationFailedException(
                $"Parameter 'binDirectory': the binaries are PostgreSQL {version}, the cluster runs {running / 10000}: a minor upgrade keeps the major version (a major upgrade needs pg_upgrade).");
        }

        if (version.Minor < running % 10000)
        {
            throw new OperationFailedException(
                $"Parameter 'binDirectory': the binaries are PostgreSQL {version}, older than the {running / 10000}.{running % 10000} the cluster runs; a downgrade is refused.");
        }

        return version.ToString();
    }

    private static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
