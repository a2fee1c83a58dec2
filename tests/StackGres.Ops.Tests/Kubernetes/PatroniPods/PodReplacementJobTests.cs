using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Tests.Images;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using StackGres.Ops.Tests.Rolling;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>
/// minor-upgrade by pod replacement, end to end: POST /api/v1/runs → a Job on the stand-in from the real runner image,
/// which reaches the stand-in's API with its ServiceAccount token → the stand-in's StatefulSet controller recreates each
/// deleted pod from the new image as a podman container → Patroni (Raft) elects, streams and switches over for real.
/// </summary>
[Collection(PodReplacementCollection.Name)]
public sealed class PodReplacementJobTests(PostgresFixture fixture)
{
    private const string RunnerAccount = "ops-runner";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task MinorUpgrade_AsAJob_ReplacesReplicasThenThePrimary_WithoutLosingACommit_AndTheWindowsNextOpeningDoesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var cluster = await PatroniStatefulSet.StartAsync(bed.StandIn, "orders", 3, PatroniPodImages.Old, ct);
        // A weekly window that keeps the cluster on the image: opened by hand after the upgrade, it must find nothing to do.
        await using var worker = (await CreateWorkerAsync(bed, cluster, ct)).WithWindow("minor", "0 3 * * 0", "01:00:00", WorkerFactory.ClusterName,
            (MinorUpgradeOperation.OperationName, new Dictionary<string, string> { ["Parameters:image"] = PatroniPodImages.New, ["Estimate"] = "00:01:00" }));
        var before = await cluster.MembersAsync(ct);
        var leader = before.Single(m => m.IsLeader);
        var uids = PodUids(bed, cluster);

        // The plan: nothing touched.
        var plan = await RunAsync(worker, new { image = PatroniPodImages.New }, dryRun: true);
        Assert.Equal(["set-image", "replace-pod", "replace-pod", "switchover", "replace-pod"], Steps(plan).Select(s => s.Action));
        Assert.All(Steps(plan), s => Assert.Equal("skipped", s.Outcome));
        Assert.Equal(uids, PodUids(bed, cluster));
        Assert.Equal(PatroniPodImages.Old, Template(bed, cluster));

        var clock = Stopwatch.StartNew();
        JsonElement run;
        await using (var watcher = new InstanceWatcher(cluster.PodNames.Select(p => (p, cluster.ConnectionString(p))).ToArray()))
        {
            run = await RunAsync(worker, new { image = PatroniPodImages.New, measureWrites = true, timeoutSeconds = 180 });
            Assert.True(watcher.MostDownAtOnce <= 1, $"{watcher.MostDownAtOnce} pods refused connections at once ({string.Join(", ", watcher.DownOrder)})");
            Assert.Equal([.. cluster.PodNames.Order(StringComparer.Ordinal)], watcher.DownOrder.Distinct().Order(StringComparer.Ordinal));
        }

        var rollSeconds = clock.Elapsed.TotalSeconds;
        var steps = Steps(run);
        var replicas = before.Where(m => !m.IsLeader).Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [("set-image", "statefulset/orders in patroni"), ("replace-pod", replicas[0]), ("replace-pod", replicas[1]), ("switchover", leader.Name),
                ("rejoin", leader.Name), ("replace-pod", leader.Name)],
            steps.Select(s => (s.Action, s.Instance)));
        Assert.All(steps, s => Assert.Equal("done", s.Outcome));

        // The most caught-up replica on the new image was promoted: the log names every candidate's lag.
        var result = run.GetProperty("result");
        var promoted = result.GetProperty("primaryAfter").GetString()!;
        Assert.Contains(promoted, replicas);
        var log = await LogAsync(worker, run);
        var (chosen, candidates) = CandidateLags(log);
        Assert.Equal(promoted, chosen);
        Assert.Equal(candidates.Min(c => c.Lag), candidates.Single(c => c.Name == promoted).Lag);

        // Every pod is new, from the new image, and Patroni's leader moved exactly once.
        var after = await cluster.MembersAsync(ct);
        Assert.Equal(promoted, after.Single(m => m.IsLeader).Name);
        Assert.Equal(leader.Timeline + 1, after.Single(m => m.IsLeader).Timeline);
        Assert.All(after.Where(m => !m.IsLeader), m => Assert.True(m.IsHealthyReplica, $"{m.Name} {m.State}"));
        var pods = Pods(bed, cluster);
        Assert.All(pods, p => Assert.Equal(PatroniPodImages.New, p.Spec.Containers[0].Image));
        Assert.All(pods, p => Assert.NotEqual(uids[p.Metadata.Name], p.Metadata.Uid));
        foreach (var pod in cluster.PodNames)
        {
            Assert.Equal("new", (await cluster.MinorAsync(pod, ct)).Trim());
        }

        var writes = result.GetProperty("writes");
        var lost = writes.GetProperty("lost").GetInt64();
        var gap = writes.GetProperty("longestGapSeconds").GetDouble();
        Assert.Equal(0, lost);
        Assert.True(writes.GetProperty("committed").GetInt64() > 100, writes.ToString());

        // Patroni's own switchover, measured the same way on the same pods, is the yardstick for the write gap.
        var patroniGap = await PatroniSwitchoverGapAsync(cluster, ct);
        output?.WriteLine(
            $"pod replacement: {writes.GetProperty("committed").GetInt64()} commits, {lost} lost, longest gap {gap:0.000} s; " +
            $"Patroni's own switchover: longest gap {patroniGap.LongestGapSeconds:0.000} s, {patroniGap.Lost} lost; roll {result.GetProperty("seconds").GetDouble():0.0} s " +
            $"(run {rollSeconds:0.0} s from the request)");
        Assert.Equal(0, patroniGap.Lost);

        // The window's opening: every pod already runs the image, nothing is deleted, the leader stays.
        var uidsAfter = PodUids(bed, cluster);
        var leaderAfter = (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Name;
        await worker.TriggerWindowAsync("minor");
        var rerun = (await worker.WaitForWindowRunsAsync("minor", 1, RunTimeout, byHand: true))[0];
        Assert.True(rerun.GetProperty("status").GetString() == "succeeded", rerun.ToString());
        Assert.All(Steps(rerun), s => Assert.Equal("skipped", s.Outcome));
        Assert.Equal(4, Steps(rerun).Count);
        Assert.Equal(uidsAfter, PodUids(bed, cluster));
        Assert.Equal(leaderAfter, (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Name);

        // Only these runs' Jobs got an API token, and the runner used its own ServiceAccount's.
        Assert.All(bed.Jobs(), job => Assert.True(job.Spec.Template.Spec.AutomountServiceAccountToken));
        Assert.All(bed.Jobs(), job => Assert.Equal(RunnerAccount, job.Spec.Template.Spec.ServiceAccountName));
    }

    [Fact]
    public async Task RollingRestartByPodReplacement_ReplacesEveryPod_ThenANewPodThatNeverBecomesReady_StopsAnUpgrade_WithTheOldPrimaryServingWrites()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var cluster = await PatroniStatefulSet.StartAsync(bed.StandIn, "sales", 3, PatroniPodImages.Old, ct);
        await using var worker = await CreateWorkerAsync(bed, cluster, ct);

        // rolling-restart with method ReplacePods: every pod new, on the image it had, the leader moved once, no commit lost.
        var started = PodUids(bed, cluster);
        var firstLeader = (await cluster.MembersAsync(ct)).Single(m => m.IsLeader);
        var restartAccepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = RollingRestartOperation.OperationName,
            parameters = new { method = "ReplacePods", measureWrites = true, timeoutSeconds = 180 },
        });
        var restart = await worker.WaitForRunAsync(restartAccepted.GetProperty("id").GetGuid(), RunTimeout);
        Assert.True(restart.GetProperty("status").GetString() == "succeeded", restart.ToString());
        Assert.Equal(["replace-pod", "replace-pod", "switchover", "rejoin", "replace-pod"], Steps(restart).Select(s => s.Action));
        Assert.All(Pods(bed, cluster), p => Assert.NotEqual(started[p.Metadata.Name], p.Metadata.Uid));
        Assert.All(Pods(bed, cluster), p => Assert.Equal(PatroniPodImages.Old, p.Spec.Containers[0].Image));
        Assert.Equal(0, restart.GetProperty("result").GetProperty("writes").GetProperty("lost").GetInt64());
        Assert.Equal(firstLeader.Timeline + 1, (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Timeline);

        // The Patroni operations that keep the pods, as Jobs too: a switchover, and a rolling restart in place.
        var replaced = PodUids(bed, cluster);
        var leading = (await cluster.MembersAsync(ct)).Single(m => m.IsLeader);
        var switchover = await SucceedAsync(worker, SwitchoverOperation.OperationName, new { });
        Assert.NotEqual(leading.Name, switchover.GetProperty("result").GetProperty("primaryAfter").GetString());
        Assert.Equal(leading.Timeline + 1, (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Timeline);
        var inPlace = await SucceedAsync(worker, RollingRestartOperation.OperationName, new { timeoutSeconds = 180 });
        Assert.Equal(["restart", "restart", "switchover", "rejoin"], Steps(inPlace).Select(s => s.Action));
        Assert.Equal(replaced, PodUids(bed, cluster));
        // Only the run that replaced pods had an API token in its pod.
        var tokenMounted = bed.Jobs().ToDictionary(j => j.Metadata.Labels["ops.stackgres.io/run-id"], j => j.Spec.Template.Spec.AutomountServiceAccountToken == true);
        Assert.True(tokenMounted[restart.GetProperty("id").GetGuid().ToString("D")]);
        Assert.False(tokenMounted[switchover.GetProperty("id").GetGuid().ToString("D")]);
        Assert.False(tokenMounted[inPlace.GetProperty("id").GetGuid().ToString("D")]);

        var before = await cluster.MembersAsync(ct);
        var leader = before.Single(m => m.IsLeader).Name;
        var first = before.Where(m => !m.IsLeader).Select(m => m.Name).Order(StringComparer.Ordinal).First();
        var untouched = cluster.PodNames.Where(p => p != first).Order(StringComparer.Ordinal).ToArray();
        var uids = PodUids(bed, cluster);

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = MinorUpgradeOperation.OperationName,
            parameters = new { image = PatroniPodImages.Broken, timeoutSeconds = 20 },
        });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        var error = run.GetProperty("reason").GetString()!;
        Assert.Contains($"{first} did not come back as a new pod on {PatroniPodImages.Broken}", error, StringComparison.Ordinal);
        Assert.Contains("not ready", error, StringComparison.Ordinal);
        Assert.Contains($"Now {leader} is the primary and accepts writes", error, StringComparison.Ordinal);
        Assert.Contains($"Not touched: {string.Join(", ", untouched)}.", error, StringComparison.Ordinal);

        // The old primary still serves writes, and only the first replica's pod was replaced.
        await using (var connection = new Npgsql.NpgsqlConnection(cluster.ConnectionString(leader)))
        {
            await connection.OpenAsync(ct);
            await using var write = new Npgsql.NpgsqlCommand("CREATE TABLE after_the_stop (id int); INSERT INTO after_the_stop VALUES (1)", connection);
            await write.ExecuteNonQueryAsync(ct);
        }

        Assert.Equal(leader, (await cluster.MembersAsync(ct)).Single(m => m.IsLeader).Name);
        var now = PodUids(bed, cluster);
        Assert.All(untouched, p => Assert.Equal(uids[p], now[p]));
        Assert.Equal(PatroniPodImages.Broken, Pods(bed, cluster).Single(p => p.Metadata.Name == first).Spec.Containers[0].Image);
    }

    /// <summary>A worker whose Jobs run on the stand-in, with the Patroni pods as its cluster "demo".</summary>
    private async Task<WorkerFactory> CreateWorkerAsync(KubernetesWorkerBed bed, PatroniStatefulSet cluster, CancellationToken ct)
    {
        var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var secret = $"{cluster.Name}-superuser";
        await bed.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = secret },
            StringData = new Dictionary<string, string> { ["password"] = cluster.SuperuserPassword },
        }, KubernetesWorkerBed.Namespace, cancellationToken: ct);
        var passwordVariable = "OPS_TEST_PATRONI_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(passwordVariable, cluster.SuperuserPassword);
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        worker
            .WithSetting("Ops:Executor:Kind", "Kubernetes")
            .WithSetting("Ops:Executor:Kubernetes:Kubeconfig", bed.Kubeconfig)
            .WithSetting("Ops:Executor:Kubernetes:Image", ProjectImages.Runner)
            .WithSetting("Ops:Executor:Kubernetes:ServiceAccountName", RunnerAccount)
            .WithSetting("Ops:Executor:CancelGracePeriod", "00:00:05")
            .WithSetting($"{key}:Host", string.Join(',', cluster.PodNames.Select(p => $"{cluster.PodIps[p]}:5432")))
            .WithSetting($"{key}:Port", "5432")
            .WithSetting($"{key}:Username", "postgres")
            .WithSetting($"{key}:Database", "postgres")
            .WithSetting($"{key}:SslMode", "Disable")
            .WithSetting($"{key}:PasswordEnv", passwordVariable)
            .WithSetting($"{key}:PasswordSecret:Name", secret)
            .WithSetting($"{key}:PasswordSecret:Key", "password")
            .WithSetting($"{key}:Patroni:StatefulSet", cluster.Name)
            .WithSetting($"{key}:Patroni:Namespace", PatroniStatefulSet.Namespace)
            .WithSetting($"{key}:Patroni:Container", PatroniStatefulSet.Container);
        for (var i = 0; i < cluster.PodNames.Count; i++)
        {
            worker.WithSetting($"{key}:Patroni:Urls:{i}", cluster.Endpoint.Urls[i]);
        }

        return worker;
    }

    private static Task<JsonElement> RunAsync(WorkerFactory worker, object parameters, bool dryRun = false) =>
        SucceedAsync(worker, MinorUpgradeOperation.OperationName, parameters, dryRun);

    private static async Task<JsonElement> SucceedAsync(WorkerFactory worker, string operation, object parameters, bool dryRun = false)
    {
        var accepted = await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation, parameters, dryRun });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        return run;
    }

    private static List<(string Action, string Instance, string Outcome)> Steps(JsonElement run) =>
        run.GetProperty("result").GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("action").GetString()!, s.GetProperty("instance").GetString()!, s.GetProperty("outcome").GetString()!))
            .ToList();

    /// <summary>The messages of the run's log.</summary>
    private static async Task<List<string>> LogAsync(WorkerFactory worker, JsonElement run)
    {
        using var client = worker.CreateAuthorizedClient();
        var lines = JsonSerializer.Deserialize<JsonElement>(
            await client.GetStringAsync($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", TestContext.Current.CancellationToken));
        return lines.EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
    }

    /// <summary>The choice and the lags it was made on, from the line "Candidate b, the most caught-up of: b 0 bytes behind, c 16 bytes behind".</summary>
    private static (string Chosen, List<(string Name, long Lag)> Candidates) CandidateLags(List<string> log)
    {
        const string Of = ", the most caught-up of: ";
        var line = log.Single(l => l.StartsWith("Candidate ", StringComparison.Ordinal) && l.Contains(Of, StringComparison.Ordinal));
        var chosen = line["Candidate ".Length..line.IndexOf(Of, StringComparison.Ordinal)];
        var candidates = line[(line.IndexOf(Of, StringComparison.Ordinal) + Of.Length)..].Trim().Split(", ")
            .Select(entry => entry.Split(' '))
            .Select(parts => (parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        return (chosen, candidates);
    }

    private static List<V1Pod> Pods(KubernetesWorkerBed bed, PatroniStatefulSet cluster) =>
        bed.StandIn.Store.List<V1Pod>(StandInKubelet.PodKind, PatroniStatefulSet.Namespace)
            .Where(p => cluster.PodNames.Contains(p.Metadata.Name)).ToList();

    private static Dictionary<string, string> PodUids(KubernetesWorkerBed bed, PatroniStatefulSet cluster) =>
        Pods(bed, cluster).ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid, StringComparer.Ordinal);

    private static string Template(KubernetesWorkerBed bed, PatroniStatefulSet cluster) =>
        bed.StandIn.Store.Get<V1StatefulSet>(StandInStatefulSets.Kind, PatroniStatefulSet.Namespace, cluster.Name)!.Spec.Template.Spec.Containers[0].Image;

    /// <summary>A client writing through every pod while Patroni switches over by itself (POST /switchover), as the roll's probe writes.</summary>
    private static async Task<WriteProbeResult> PatroniSwitchoverGapAsync(PatroniStatefulSet cluster, CancellationToken ct)
    {
        var members = await cluster.MembersAsync(ct);
        var leader = members.Single(m => m.IsLeader);
        var candidate = members.Where(m => m.IsHealthyReplica).OrderBy(m => m.LagBytes).First().Name;
        var everyPod = new Npgsql.NpgsqlConnectionStringBuilder(cluster.ConnectionString(cluster.PodNames[0]))
        {
            Host = string.Join(',', cluster.PodNames.Select(p => cluster.PodIps[p])),
            TargetSessionAttributes = "read-write",
            HostRecheckSeconds = 0,
        }.ConnectionString;
        await using var probe = await WriteProbe.StartAsync(everyPod, "public", "patroni_switchover_probe", ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        using var patroni = new PatroniClient(cluster.Endpoint, TimeSpan.FromSeconds(30));
        await patroni.SwitchoverAsync(leader, candidate, ct);
        var deadline = Stopwatch.StartNew();
        while (!(await cluster.MembersAsync(ct)).Any(m => m.Name == candidate && m.IsLeader && m.State == "running") && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200, ct);
        }

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        return await probe.StopAsync(dropTable: true, ct);
    }
}

/// <summary>The pod-replacement tests: their own PostgreSQL server for the workers' storage, apart from the images collection.</summary>
[CollectionDefinition(Name)]
public sealed class PodReplacementCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "pod-replacement";
}
