using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Clusters.Kubernetes;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Clusters.Topology;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// rolling-restart and switchover of a cluster that Patroni manages, through Patroni's REST API: each replica in turn
/// is restarted (<c>POST /restart</c>) and waited on until Patroni reports it running with little lag, then the leader
/// moves to the most caught-up replica (<c>POST /switchover</c>); Patroni itself demotes, promotes and rewinds. The
/// same guarantees as on local clusters: one member down at a time, stop with the leader serving on any failure.
/// With <c>method: ReplacePods</c> (and for a minor upgrade to a new image) a member is restarted by deleting its pod,
/// which its StatefulSet recreates from the current template, and waited on until the new pod is Ready and streams.
/// </summary>
public sealed class PatroniRollingRun : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan HealthyGrace = TimeSpan.FromSeconds(10);
    private readonly RollingParameters parameters;
    private readonly OperationContext context;
    private readonly PatroniClient patroni;
    private readonly RollJournal journal;
    private readonly InClusterKubernetesApi? kubernetes;
    private readonly StatefulSetPods? pods;

    public PatroniRollingRun(string operation, RollingParameters parameters, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        this.parameters = parameters;
        this.context = context;
        if (parameters.ReplacePods)
        {
            var statefulSet = context.Connector.Cluster.Patroni?.StatefulSet
                              ?? throw new OperationFailedException("Replacing pods needs the cluster's StatefulSet (Ops:Clusters:<name>:Patroni:StatefulSet).");
            kubernetes = InClusterKubernetesApi.Connect(TimeSpan.FromSeconds(30));
            pods = new StatefulSetPods(kubernetes, statefulSet);
        }

        patroni = new PatroniClient(context.Connector.Cluster.Patroni!, TimeSpan.FromSeconds(Math.Max(30, parameters.Timeout.TotalSeconds)));
        journal = new RollJournal(operation, parameters, context);
    }

    public Task<RollingResult> RollAsync(CancellationToken cancellationToken) => RunAsync(RollAllAsync, cancellationToken);

    public Task<RollingResult> SwitchoverAsync(CancellationToken cancellationToken) =>
        RunAsync((members, token) => SwitchoverAsync(members.Single(m => m.IsLeader), ChooseCandidate(members), token), cancellationToken);

    public void Dispose()
    {
        patroni.Dispose();
        kubernetes?.Dispose();
    }

    private async Task<RollingResult> RunAsync(Func<IReadOnlyList<PatroniMember>, CancellationToken, Task> roll, CancellationToken cancellationToken)
    {
        if (parameters.TargetBinDirectory is not null)
        {
            throw new OperationFailedException(
                "Patroni manages this cluster: its binaries come from its image or bin_dir, not from 'binDirectory'. Change the image (or bin_dir), then run rolling-restart.");
        }

        var members = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        if (pods is not null)
        {
            await CheckStatefulSetAsync(cancellationToken).ConfigureAwait(false);
        }

        return await journal.RunAsync(
            members.Select(m => m.Name).ToArray(),
            members.Where(m => m.Host is not null).Select(m => $"{m.Host}:{m.Port ?? 5432}").ToArray(),
            token => roll(members, token),
            ReadStateAsync,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<PatroniMember>> PrepareAsync(CancellationToken cancellationToken)
    {
        var members = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
        for (var grace = Stopwatch.StartNew(); Unhealthy(members).Count > 0 && grace.Elapsed < HealthyGrace;)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            members = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
        }

        journal.Before = Views(members);
        context.Events.Log(LogLevel.Information, $"Patroni members before {journal.Operation}: {Describe(members)}");
        var leaders = members.Where(m => m.IsLeader).ToArray();
        if (leaders.Length != 1)
        {
            throw new OperationFailedException($"Patroni reports {leaders.Length} leaders ({Describe(members)}); {journal.Operation} starts only with one.");
        }

        if (Unhealthy(members) is { Count: > 0 } unhealthy)
        {
            throw new OperationFailedException(
                $"{journal.Operation} starts only when every replica runs with its lag known: {string.Join("; ", unhealthy.Select(Describe))}.");
        }

        journal.PrimaryBefore = leaders[0].Name;
        return members;
    }

    /// <summary>
    /// A new image takes effect only through pods the roll deletes: the StatefulSet must leave its pods alone (OnDelete),
    /// or its controller would replace them itself, the primary's included, in its own order.
    /// </summary>
    private async Task CheckStatefulSetAsync(CancellationToken cancellationToken)
    {
        var (image, strategy) = await pods!.TemplateAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information, $"{pods}: updateStrategy {strategy}, image {image}");
        if (parameters.TargetImage is not null && strategy != "OnDelete")
        {
            throw new OperationFailedException(
                $"{pods} has updateStrategy {strategy}: its controller would replace the pods itself, the primary's included, in its own order, " +
                "as soon as the image changes. Set updateStrategy OnDelete (as this worker renders its clusters), then run minor-upgrade again.");
        }
    }

    private async Task RollAllAsync(IReadOnlyList<PatroniMember> members, CancellationToken cancellationToken)
    {
        var total = members.Count;
        var done = 0;
        if (pods is not null && parameters.TargetImage is { } image)
        {
            await SetTemplateImageAsync(image, cancellationToken).ConfigureAwait(false);
        }

        foreach (var replica in members.Where(m => !m.IsLeader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            journal.Progress($"{(pods is null ? "restarting" : "replacing the pod of")} replica {replica.Name}", done++, total);
            if (parameters.PendingRestartOnly && !replica.PendingRestart)
            {
                journal.Skip(replica.Name, "replica", "Patroni reports no pending restart");
                continue;
            }

            if (pods is not null)
            {
                await ReplacePodAsync(replica.Name, "replica", cancellationToken).ConfigureAwait(false);
                continue;
            }

            await RestartReplicaAsync(replica, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
        var leader = now.SingleOrDefault(m => m.IsLeader) ?? throw new RollFailedException($"Patroni lost its leader while the replicas restarted: {Describe(now)}.");
        journal.Progress($"leader {leader.Name}", done, total);
        if (parameters.PendingRestartOnly && !leader.PendingRestart)
        {
            journal.Skip(leader.Name, "primary", "Patroni reports no pending restart");
        }
        else if (pods is not null)
        {
            await ReplaceLeaderPodAsync(leader, now, cancellationToken).ConfigureAwait(false);
        }
        else if (parameters.SwitchoverPrimary && now.Any(m => !m.IsLeader))
        {
            await SwitchoverAsync(leader, ChooseCandidate(now), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RestartLeaderInPlaceAsync(leader).ConfigureAwait(false);
        }

        journal.Progress("done", total, total);
    }

    private async Task RestartReplicaAsync(PatroniMember replica, CancellationToken cancellationToken)
    {
        var step = journal.Begin(replica.Name, "restart", "replica", "POST /restart");
        if (context.DryRun)
        {
            journal.End(step, "dry run: not restarted", downSeconds: null, "skipped");
            return;
        }

        var startedBefore = await patroni.PostmasterStartAsync(replica, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await patroni.RestartAsync(replica, CancellationToken.None).ConfigureAwait(false);
        await WaitUntilAsync(replica.Name, async members =>
            members.SingleOrDefault(m => m.Name == replica.Name) is { IsHealthyReplica: true } now && now.LagBytes <= parameters.MaxLag &&
            await patroni.PostmasterStartAsync(now, CancellationToken.None).ConfigureAwait(false) is { } started && started != startedBefore,
            $"run again with at most {parameters.MaxLag} bytes of lag").ConfigureAwait(false);
        journal.End(step, $"running again after {clock.Elapsed.TotalSeconds:0.0} s", clock.Elapsed.TotalSeconds);
    }

    private async Task SetTemplateImageAsync(string image, CancellationToken cancellationToken)
    {
        var (before, _) = await pods!.TemplateAsync(cancellationToken).ConfigureAwait(false);
        if (before == image)
        {
            journal.Skip(pods.ToString(), "statefulset", $"its template already runs {image}");
            return;
        }

        var step = journal.Begin(pods.ToString(), "set-image", "statefulset", $"{before} to {image}");
        if (context.DryRun)
        {
            journal.End(step, $"dry run: the template's image would change from {before} to {image}", downSeconds: null, "skipped");
            return;
        }

        await pods.SetImageAsync(image, cancellationToken).ConfigureAwait(false);
        journal.End(step, $"the template runs {image} (was {before}); no pod changes until it is deleted", downSeconds: null);
    }

    /// <summary>
    /// The leader's pod: skipped when already on the image; otherwise the leadership moves first to the most caught-up
    /// replica (on the new image), then the old leader's pod is replaced as a replica's is.
    /// </summary>
    private async Task ReplaceLeaderPodAsync(PatroniMember leader, IReadOnlyList<PatroniMember> members, CancellationToken cancellationToken)
    {
        var pod = await RequirePodAsync(leader.Name, cancellationToken).ConfigureAwait(false);
        if (parameters.TargetImage is { } image && pod.Image == image)
        {
            journal.Skip(leader.Name, "primary", $"its pod already runs {image}");
            return;
        }

        if (members.All(m => m.IsLeader))
        {
            throw new RollFailedException($"No replica to hand the leadership to: the pod of the leader {leader.Name} is not deleted (Patroni would lose its only member).");
        }

        var onImage = new HashSet<string>(StringComparer.Ordinal);
        foreach (var replica in members.Where(m => !m.IsLeader))
        {
            if (context.DryRun || parameters.TargetImage is null || (await pods!.PodAsync(replica.Name, cancellationToken).ConfigureAwait(false))?.Image == parameters.TargetImage)
            {
                onImage.Add(replica.Name);
            }
        }

        // Lags move with every write: the choice is made on a fresh reading.
        var fresh = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
        await SwitchoverAsync(leader, ChooseCandidate(fresh, onImage.Contains), cancellationToken).ConfigureAwait(false);
        await ReplacePodAsync(leader.Name, "replica", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the member's pod (unless it already runs the target image) and waits until the StatefulSet's new pod is Ready,
    /// on the template's image, and Patroni reports the member streaming within maxLagBytes.
    /// </summary>
    private async Task ReplacePodAsync(string member, string role, CancellationToken cancellationToken)
    {
        var pod = await RequirePodAsync(member, cancellationToken).ConfigureAwait(false);
        var target = parameters.TargetImage;
        if (target is not null && pod.Image == target)
        {
            journal.Skip(member, role, $"its pod already runs {target}");
            return;
        }

        var step = journal.Begin(member, "replace-pod", role, $"delete pod {member} ({pod.Image})");
        if (context.DryRun)
        {
            journal.End(step, $"dry run: pod {member} would be deleted and recreated from {target ?? pod.Image}", downSeconds: null, "skipped");
            return;
        }

        var clock = Stopwatch.StartNew();
        await pods!.DeletePodAsync(pod, CancellationToken.None).ConfigureAwait(false);
        PodState? now = null;
        await WaitUntilAsync(member, async members =>
            {
                now = await pods.PodAsync(member, CancellationToken.None).ConfigureAwait(false);
                return now is { Ready: true, Terminating: false } && now.Uid != pod.Uid && (target is null || now.Image == target) &&
                       members.SingleOrDefault(m => m.Name == member) is { IsHealthyReplica: true } replica && replica.LagBytes <= parameters.MaxLag;
            },
            $"come back as a new pod{(target is null ? string.Empty : $" on {target}")}, Ready and streaming with at most {parameters.MaxLag} bytes of lag",
            () => now?.ToString() ?? $"pod {member} not recreated yet").ConfigureAwait(false);
        journal.End(step, $"a new pod on {now!.Image} is Ready and streams {clock.Elapsed.TotalSeconds:0.0} s after the delete", clock.Elapsed.TotalSeconds);
    }

    private async Task<PodState> RequirePodAsync(string member, CancellationToken cancellationToken) =>
        await pods!.PodAsync(member, cancellationToken).ConfigureAwait(false)
        ?? throw new RollFailedException($"Patroni member {member} has no pod in {pods}: the members must be named as their pods (PATRONI_NAME from metadata.name).");

    private async Task RestartLeaderInPlaceAsync(PatroniMember leader)
    {
        var step = journal.Begin(leader.Name, "restart-primary", "primary", "POST /restart");
        if (context.DryRun)
        {
            journal.End(step, "dry run: not restarted", downSeconds: null, "skipped");
            return;
        }

        context.Events.Log(LogLevel.Warning, $"Restarting the leader {leader.Name} in place: writes stop until it is back");
        var clock = Stopwatch.StartNew();
        await patroni.RestartAsync(leader, CancellationToken.None).ConfigureAwait(false);
        await WaitUntilAsync(leader.Name, members => Task.FromResult(
                members.Any(m => m.Name == leader.Name && m.IsLeader && m.State == "running") && Unhealthy(members).Count == 0),
            "lead again with its replicas running").ConfigureAwait(false);
        journal.End(step, $"leading again after {clock.Elapsed.TotalSeconds:0.0} s", clock.Elapsed.TotalSeconds);
    }

    /// <summary>The replica to promote: the one asked for, or the most caught-up one among those <paramref name="eligible"/> (default: all).</summary>
    private string ChooseCandidate(IReadOnlyList<PatroniMember> members, Func<string, bool>? eligible = null)
    {
        var replicas = members.Where(m => m.IsHealthyReplica && (eligible is null || eligible(m.Name))).ToArray();
        if (parameters.CandidateInstance is { } name)
        {
            var named = members.FirstOrDefault(m => m.Name == name)
                ?? throw new OperationFailedException($"Parameter 'candidate': Patroni has no member '{name}' ({string.Join(", ", members.Select(m => m.Name))}).");
            return replicas.Contains(named) ? name : throw new OperationFailedException($"Parameter 'candidate': {Describe(named)}; only a running replica can be promoted.");
        }

        var chosen = replicas.OrderBy(m => m.LagBytes).ThenBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault()?.Name
            ?? throw new RollFailedException($"No replica runs{(eligible is null ? string.Empty : " on the new image")}: nothing to switch over to ({Describe(members)}).");
        context.Events.Log(LogLevel.Information, $"Candidate {chosen}, the most caught-up of: " +
                                                 string.Join(", ", replicas.Select(m => $"{m.Name} {m.LagBytes} bytes behind")));
        return chosen;
    }

    private async Task SwitchoverAsync(PatroniMember leader, string candidate, CancellationToken cancellationToken)
    {
        var now = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
        if (now.SingleOrDefault(m => m.Name == candidate) is not { IsHealthyReplica: true } member || member.LagBytes > parameters.MaxLag)
        {
            throw new RollFailedException($"Candidate {candidate} is not a running replica within {parameters.MaxLag} bytes of the leader ({Describe(now)}); nothing was stopped.");
        }

        var step = journal.Begin(leader.Name, "switchover", "primary", $"to {candidate}");
        if (context.DryRun)
        {
            journal.End(step, $"dry run: {candidate} would be promoted", downSeconds: null, "skipped");
            return;
        }

        context.Events.Log(LogLevel.Information, $"Switchover from {leader.Name} to {candidate} through Patroni");
        var clock = Stopwatch.StartNew();
        await patroni.SwitchoverAsync(leader, candidate, CancellationToken.None).ConfigureAwait(false);
        var leading = await WaitUntilAsync(candidate, members => Task.FromResult(members.Any(m => m.Name == candidate && m.IsLeader && m.State == "running")),
            "lead").ConfigureAwait(false);
        journal.End(step, $"{candidate} leads {leading.TotalSeconds:0.00} s after the switchover was asked for", leading.TotalSeconds);

        var rejoin = journal.Begin(leader.Name, "rejoin", "replica", $"following {candidate}");
        await WaitUntilAsync(leader.Name, members => Task.FromResult(
                members.SingleOrDefault(m => m.Name == leader.Name) is { IsHealthyReplica: true } old && old.LagBytes <= parameters.MaxLag),
            $"follow {candidate} with at most {parameters.MaxLag} bytes of lag").ConfigureAwait(false);
        journal.End(rejoin, $"follows {candidate} ({clock.Elapsed.TotalSeconds:0.0} s after the switchover was asked for)", downSeconds: null);
    }

    /// <summary>Polls GET /cluster until the condition holds; fails after the timeout with what Patroni reports.</summary>
    private async Task<TimeSpan> WaitUntilAsync(string member, Func<IReadOnlyList<PatroniMember>, Task<bool>> condition, string what,
        Func<string>? detail = null)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            try
            {
                var members = await patroni.ClusterAsync(CancellationToken.None).ConfigureAwait(false);
                if (await condition(members).ConfigureAwait(false))
                {
                    return clock.Elapsed;
                }

                last = Describe(members);
            }
            catch (OperationFailedException e)
            {
                last = e.Message;
            }

            if (clock.Elapsed > parameters.Timeout)
            {
                throw new RollFailedException($"{member} did not {what} within {parameters.Timeout.TotalSeconds:0} s " +
                                              $"({(detail is null ? string.Empty : detail() + "; ")}Patroni: {last})");
            }

            await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var members = await patroni.ClusterAsync(cancellationToken).ConfigureAwait(false);
            return new ClusterState(members.SingleOrDefault(m => m.IsLeader && m.State == "running")?.Name, Views(members), Describe(members));
        }
        catch (OperationFailedException e)
        {
            return new ClusterState(null, [], e.Message);
        }
    }

    private static List<PatroniMember> Unhealthy(IReadOnlyList<PatroniMember> members) =>
        members.Where(m => !m.IsLeader && !m.IsHealthyReplica).ToList();

    private static IReadOnlyList<InstanceView> Views(IReadOnlyList<PatroniMember> members) => members.Select(m => new InstanceView
    {
        Name = m.Name,
        Host = m.Host ?? string.Empty,
        Port = m.Port ?? 0,
        Role = m.IsLeader ? "primary" : m.State is "running" or "streaming" ? "replica" : "down",
        Streaming = m.IsLeader ? null : m.IsHealthyReplica,
        LagBytes = m.LagBytes,
        Timeline = m.Timeline,
        Error = m.State is "running" or "streaming" ? null : $"Patroni state {m.State}",
    }).ToArray();

    private static string Describe(IReadOnlyList<PatroniMember> members) => string.Join("; ", members.Select(Describe));

    private static string Describe(PatroniMember member) =>
        $"{member.Name} {member.Role} {member.State}" + (member.LagBytes is { } lag ? $", {lag} bytes behind" : member.IsLeader ? string.Empty : ", lag unknown");
}
