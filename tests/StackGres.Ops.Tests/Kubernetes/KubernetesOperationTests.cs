using StackGres.Ops.Tests.Images;
using StackGres.Ops.Tests.LogReport;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>
/// Every operation the runner image carries, end to end: POST /api/v1/runs → the worker's Kubernetes executor →
/// a Job on the stand-in API server → a podman container from the real job-runner image → the run's result. And
/// what Kubernetes does to a pod whose memory limit is too small: a real OOM kill.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class KubernetesOperationTests(PostgresFixture fixture)
{
    private const string LogMount = ProjectImages.LogMount;
    private const long FreeDisk = ProjectImages.FreeDisk;

    [Fact]
    public async Task Repack_Reindex_HealthCheck_RunAsJobs_FromTheRunnerImage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            """
            CREATE TABLE bloated (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO bloated SELECT g, repeat('p', 60) FROM generate_series(1, 20000) g;
            DELETE FROM bloated WHERE id % 5 <> 0;
            CREATE INDEX bloated_payload ON bloated (payload);
            """);
        // repack plans from the statistics: wait until they count the deleted rows.
        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'bloated'") > 0,
            TimeSpan.FromSeconds(30), "dead tuples in bloated");
        var tableNode = await RelFileNodeAsync(worker, "bloated");

        var repack = await SucceedAsync(worker, "repack", new { tables = new[] { "bloated" }, createExtension = true, assumeFreeDiskBytes = FreeDisk });
        Assert.True(repack.GetProperty("result").GetProperty("tablesRepacked").GetInt32() == 1, repack.ToString());
        Assert.NotEqual(tableNode, await RelFileNodeAsync(worker, "bloated"));

        var indexNode = await RelFileNodeAsync(worker, "bloated_payload");
        var reindex = await SucceedAsync(worker, "reindex", new { indexes = new[] { "bloated_payload" } });
        Assert.Contains("bloated_payload", reindex.GetProperty("result").ToString(), StringComparison.Ordinal);
        Assert.NotEqual(indexNode, await RelFileNodeAsync(worker, "bloated_payload"));

        var health = await SucceedAsync(worker, "health-check", new { });
        Assert.True(health.GetProperty("result").GetProperty("findings").GetArrayLength() > 3, health.ToString());

        Assert.Equal(3, bed.StandIn.JobsCreated);
        Assert.All(bed.Jobs(), job => Assert.Equal(ProjectImages.Runner, job.Spec.Template.Spec.Containers[0].Image));
        Assert.Equal(4000L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM bloated"));
    }

    [Fact]
    public async Task Verify_RunsAsJob_FromTheRunnerImage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE items (id int PRIMARY KEY, payload text NOT NULL); INSERT INTO items SELECT g, repeat('p', 60) FROM generate_series(1, 20000) g;");

        var run = await SucceedAsync(worker, "verify", new { tables = new[] { "items" }, createExtension = true });

        // amcheck runs in the server: the runner image needs no more than its client to drive it.
        var result = run.GetProperty("result");
        Assert.False(result.GetProperty("corrupt").GetBoolean(), run.ToString());
        Assert.Equal(4, result.GetProperty("relationsChecked").GetInt32());
        Assert.Equal(["items", "items_pkey"], result.GetProperty("relations").EnumerateArray()
            .Where(r => r.GetProperty("schema").GetString() == "public").Select(r => r.GetProperty("relation").GetString()));
        Assert.Equal(ProjectImages.Runner, Assert.Single(bed.Jobs()).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task LogReport_RunsAsJob_ReadingTheLogVolume()
    {
        var ct = TestContext.Current.CancellationToken;
        using var logs = new TempLogDirectory();
        logs.Write("postgresql.log", SampleLog.Create(hours: 2));
        logs.ShareWithEveryone();
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = (await bed.CreateWorkerAsync(fixture, ct))
            .WithSetting("Ops:Executor:Kubernetes:Volumes:server-logs:HostPath", logs.Path)
            .WithSetting("Ops:Executor:Kubernetes:Volumes:server-logs:MountPath", LogMount);

        var run = await SucceedAsync(worker, "log-report", new { logDirectory = LogMount, prefix = SampleLog.Prefix, bucket = "30m" });

        Assert.True(run.GetProperty("result").GetProperty("overview").GetProperty("queries").GetInt64() > 1000);
        var pod = Assert.Single(bed.Jobs()).Spec.Template.Spec;
        Assert.Equal(logs.Path, pod.Volumes.Single(v => v.Name == "server-logs").HostPath.Path);
        Assert.True(pod.Containers[0].VolumeMounts.Single(m => m.Name == "server-logs").ReadOnlyProperty);
    }

    [Fact]
    public async Task LogReport_RunsAsJob_OverSql_WithNothingMounted()
    {
        var ct = TestContext.Current.CancellationToken;
        // A server that writes its log to files no volume shares: the Job reads them over its SQL connection.
        await using var logs = await LoggingServer.StartAsync(fixture.Server.Password, "10MB", absoluteLogDirectory: false, ct);
        await logs.RunWorkloadAsync(transactions: 50, ct);
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct, cluster: logs.Server.ConnectionString());

        var run = await SucceedAsync(worker, "log-report", new { bucket = "30m" });

        var input = run.GetProperty("result").GetProperty("input");
        Assert.Equal("sql", input.GetProperty("source").GetString());
        Assert.Equal(LoggingServer.Prefix, input.GetProperty("prefix").GetString());
        Assert.True(run.GetProperty("result").GetProperty("overview").GetProperty("queries").GetInt64() > 100, input.ToString());
        var pod = Assert.Single(bed.Jobs()).Spec.Template.Spec;
        Assert.DoesNotContain(pod.Containers[0].VolumeMounts, m => m.MountPath != "/tmp");
    }

    [Fact]
    public async Task MemoryLimitTooSmall_IsARealOomKill_ReportedAsSuch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = (await bed.CreateWorkerAsync(fixture, ct)).WithSetting("Ops:Executor:Kubernetes:Limits:memory", "6Mi");
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE items (id int); INSERT INTO items SELECT generate_series(1, 1000);");

        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "items" } } })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        Assert.Contains("memory limit of 6Mi (OOMKilled)", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static async Task<System.Text.Json.JsonElement> SucceedAsync(WorkerFactory worker, string operation, object parameters)
    {
        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation, parameters })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(90));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal("kubernetes", run.GetProperty("executor").GetString());
        return run;
    }

    private static Task<long> RelFileNodeAsync(WorkerFactory worker, string relation) =>
        Db.ScalarAsync<long>(worker.ClusterConnectionString, $"SELECT relfilenode::bigint FROM pg_class WHERE relname = '{relation}'");
}
