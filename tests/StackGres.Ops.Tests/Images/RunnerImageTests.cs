using System.Text.Json;
using k8s.Models;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using StackGres.Ops.Tests.LogReport;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Execution.Kubernetes;
using Xunit;

namespace StackGres.Ops.Tests.Images;

/// <summary>
/// The job-runner image run by podman under exactly the pod that <see cref="JobSpecBuilder"/> writes (non-root,
/// read-only root filesystem, every capability dropped, no privilege escalation, /tmp an empty volume), with the
/// request and the password in its environment as the Job hands them, against the test PostgreSQL.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class RunnerImageTests(PostgresFixture fixture)
{
    private const string LogMount = ProjectImages.LogMount;
    private const long FreeDisk = ProjectImages.FreeDisk;

    [Fact]
    public async Task Vacuum_Repack_Reindex_HealthCheck_Succeed_InTheLockedDownPod()
    {
        var ct = TestContext.Current.CancellationToken;
        await ProjectImages.EnsureBuiltAsync();
        var database = await fixture.CreateDatabaseAsync("runner_image", ct);
        await Db.ExecuteAsync(database,
            """
            CREATE TABLE items (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO items SELECT g, repeat('x', 80) FROM generate_series(1, 20000) g;
            DELETE FROM items WHERE id % 4 <> 0;
            CREATE INDEX items_payload ON items (payload);
            CREATE TABLE bloated (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false);
            INSERT INTO bloated SELECT g, repeat('p', 60) FROM generate_series(1, 20000) g;
            DELETE FROM bloated WHERE id % 5 <> 0;
            """);
        // repack plans from the statistics: wait until they count the deleted rows.
        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(database, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'bloated'") > 0,
            TimeSpan.FromSeconds(30), "dead tuples in bloated");
        var node = await RelFileNodeAsync(database, "bloated");

        var vacuum = await RunAsync(database, "vacuum", new { tables = new[] { "items" } }, ct);
        Assert.Contains("items", vacuum.ToString(), StringComparison.Ordinal);
        Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'items'"));

        var repack = await RunAsync(database, "repack", new { tables = new[] { "bloated" }, createExtension = true, assumeFreeDiskBytes = FreeDisk }, ct);
        Assert.Equal(1, repack.GetProperty("tablesRepacked").GetInt32());
        Assert.NotEqual(node, await RelFileNodeAsync(database, "bloated"));
        Assert.Equal(4000L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM bloated"));

        var indexNode = await RelFileNodeAsync(database, "items_payload");
        var reindex = await RunAsync(database, "reindex", new { indexes = new[] { "items_payload" } }, ct);
        Assert.Contains("items_payload", reindex.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(indexNode, await RelFileNodeAsync(database, "items_payload"));

        var health = await RunAsync(database, "health-check", new { }, ct);
        Assert.True(health.GetProperty("findings").GetArrayLength() > 3, health.ToString());
        Assert.Equal(5000L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task LogReport_ReadsTheMountedLogs_InTheLockedDownPod()
    {
        var ct = TestContext.Current.CancellationToken;
        await ProjectImages.EnsureBuiltAsync();
        var database = await fixture.CreateDatabaseAsync("runner_image_logs", ct);
        using var logs = new TempLogDirectory();
        logs.Write("postgresql.log", SampleLog.Create(hours: 2));
        logs.ShareWithEveryone();

        var report = await RunAsync(database, "log-report", new { logDirectory = LogMount, prefix = SampleLog.Prefix, bucket = "30m" }, ct,
            new RunnerVolumeOptions { MountPath = LogMount, HostPath = logs.Path });

        Assert.True(report.GetProperty("overview").GetProperty("queries").GetInt64() > 1000, report.ToString()[..Math.Min(2000, report.ToString().Length)]);
    }

    [Fact]
    public async Task LogReport_ReadsTheServersLogsOverSql_WithoutAVolume_InTheLockedDownPod()
    {
        var ct = TestContext.Current.CancellationToken;
        await ProjectImages.EnsureBuiltAsync();
        // A server that writes its log to files, with the fixture's password (the one the Job's secret holds).
        await using var logs = await LoggingServer.StartAsync(fixture.Server.Password, "10MB", absoluteLogDirectory: false, ct);
        await logs.RunWorkloadAsync(transactions: 50, ct);

        var report = await RunAsync(logs.Server.ConnectionString(), "log-report", new { bucket = "30m" }, ct);

        Assert.Equal("sql", report.GetProperty("input").GetProperty("source").GetString());
        Assert.Equal(LoggingServer.Prefix, report.GetProperty("input").GetProperty("prefix").GetString());
        Assert.True(report.GetProperty("overview").GetProperty("queries").GetInt64() > 100, report.ToString()[..Math.Min(2000, report.ToString().Length)]);
    }

    [Fact]
    public async Task ImageUser_IsNonRoot_AndTheRootFilesystemIsReadOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        await ProjectImages.EnsureBuiltAsync();
        var job = Job(await fixture.CreateDatabaseAsync("runner_image_fs", ct), "health-check", new { });
        var pod = job.Spec.Template.Spec;
        Assert.Null(await PodmanPod.CheckAsync(pod, pod.Containers[0], ct));
        var arguments = PodmanPod.RunArguments(pod, pod.Containers[0], []);
        arguments.Insert(arguments.IndexOf(ProjectImages.Runner), "--entrypoint=[\"/bin/sh\",\"-c\",\"id -u; touch /app/x 2>&1; touch /tmp/x && echo tmp-writable\"]");
        arguments.RemoveAll(a => a.StartsWith("--entrypoint=[\"/app", StringComparison.Ordinal));

        var result = await Podman.RunAsync(["run", "--rm", .. arguments], ct);

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1654", lines[0]);
        Assert.Contains("Read-only file system", lines[1], StringComparison.Ordinal);
        Assert.Equal("tmp-writable", lines[2]);
    }

    /// <summary>Runs one operation in the runner image as its Job's pod would; the result, which must be succeeded.</summary>
    private async Task<JsonElement> RunAsync(string database, string operation, object parameters, CancellationToken ct, RunnerVolumeOptions? volume = null)
    {
        var job = Job(database, operation, parameters, volume);
        var pod = job.Spec.Template.Spec;
        var container = pod.Containers[0];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RunRequest.EnvironmentVariable] = container.Env.Single(e => e.Name == RunRequest.EnvironmentVariable).Value,
            // The Job's secretKeyRef, resolved as the kubelet does.
            [RunRequest.PasswordVariable] = fixture.Server.Password,
        };
        Assert.Null(await PodmanPod.CheckAsync(pod, container, ct));
        using var running = new PodmanContainer($"sgops-test-{Guid.NewGuid():N}", PodmanPod.RunArguments(pod, container, environment.Keys), environment);
        var exitCode = await running.Exited.WaitAsync(TimeSpan.FromMinutes(2), ct);

        var log = running.Read(0).Lines;
        var result = log.Select(TryParse).LastOrDefault(e => e is { } r && r.GetProperty("type").GetString() == "result");
        Assert.True(exitCode == 0 && result is { } ok && ok.GetProperty("status").GetString() == "succeeded",
            $"{operation} exited with {exitCode}:\n{string.Join('\n', log)}");
        return result!.Value.GetProperty("result");
    }

    private V1Job Job(string database, string operation, object parameters, RunnerVolumeOptions? volume = null)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database);
        var cluster = new ClusterDefinition
        {
            Host = builder.Host!, Port = builder.Port, Username = builder.Username!, Database = builder.Database!,
            PasswordSecret = new SecretKeyReference { Name = "cluster", Key = "password" },
        };
        var run = new RunRequest
        {
            RunId = Guid.CreateVersion7(),
            Operation = operation,
            Parameters = JsonSerializer.SerializeToElement(parameters),
            Cluster = cluster.ToConnection("images"),
        };
        var options = new KubernetesExecutorOptions { Image = ProjectImages.Runner };
        if (volume is not null)
        {
            options.Volumes["logs"] = volume;
        }

        return new JobSpecBuilder(options, TimeSpan.FromSeconds(5)).Build(new ExecutionRequest(run, new InventoryCluster("images", cluster)), "ops", DateTimeOffset.UtcNow);
    }

    private static JsonElement? TryParse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task<long> RelFileNodeAsync(string database, string relation) =>
        Db.ScalarAsync<long>(database, $"SELECT relfilenode::bigint FROM pg_class WHERE relname = '{relation}'");
}
