using System.Text.Json;
using k8s;
using Npgsql;
using StackGres.Ops.Tests.Images;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Execution.Kubernetes;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>Runs executed as Jobs on the stand-in API server, by the real runner, on the real test PostgreSQL.</summary>
[Collection(ImagesCollection.Name)]
public sealed class KubernetesExecutorTests(PostgresFixture fixture)
{
    private const string WaitingOnLock =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'stackgres-ops/run/%' AND wait_event_type = 'Lock'";

    [Fact]
    public async Task VacuumRun_RunsAsJob_WithLogsResultAndNoSecretInSpec()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE items (id int); INSERT INTO items SELECT generate_series(1, 1000); DELETE FROM items WHERE id % 2 = 0;");
        bed.StandIn.ExpireNextWatches(1);

        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "items" } } })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal("kubernetes", run.GetProperty("executor").GetString());
        Assert.True(run.TryGetProperty("result", out var result), run.ToString());
        Assert.Contains("items", result.ToString(), StringComparison.Ordinal);
        var logs = await LogsAsync(worker, id);
        Assert.Contains(logs, l => l.Contains("Created Job ops/sgops-", StringComparison.Ordinal));
        Assert.True(logs.Count >= 3, string.Join("\n", logs));
        var job = Assert.Single(bed.Jobs());
        Assert.Equal(JobLabels.JobName(id, "vacuum"), job.Metadata.Name);
        Assert.Equal(id.ToString("D"), job.Metadata.Labels[JobLabels.RunId]);
        Assert.Equal("demo", job.Spec.Template.Metadata.Labels[JobLabels.Cluster]);
        Assert.Equal(KubernetesWorkerBed.Image, job.Spec.Template.Spec.Containers[0].Image);
        var stored = KubernetesJson.Serialize(job);
        Assert.DoesNotContain(worker.Password, stored, StringComparison.Ordinal);
        Assert.Contains("secretKeyRef", stored, StringComparison.Ordinal);
        // The first watch was answered 410 Gone: the executor listed again and went on.
        // The first watch (of the Job or of its pod) was answered 410 Gone: one more list than watches started.
        var lists = bed.StandIn.Requests.Count(r => r.StartsWith("GET /", StringComparison.Ordinal) && r.Contains("Selector=", StringComparison.Ordinal) &&
                                                    !r.Contains("watch=true", StringComparison.Ordinal));
        Assert.True(lists >= 3, string.Join("\n", bed.StandIn.Requests));
    }

    [Fact]
    public async Task CancelRun_DeletesJob_AndEndsCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct);
        await using var holder = await HoldLockAsync(worker.ClusterConnectionString);
        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" } } })).GetProperty("id").GetGuid();
        await WaitUntilAsync(async () => await Db.ScalarAsync<long>(worker.ClusterConnectionString, WaitingOnLock) == 1, "the Job's runner to wait on the lock");
        Assert.Single(bed.Jobs());

        using var client = worker.CreateAuthorizedClient();
        using var response = await client.PostAsync($"/api/v1/runs/{id}/cancel", null, ct);
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        Assert.True(run.GetProperty("status").GetString() == "cancelled", run.ToString());
        await WaitUntilAsync(() => Task.FromResult(bed.Jobs().Count == 0), "the Job to be deleted");
        Assert.Contains(bed.StandIn.Requests, r => r.StartsWith("DELETE /apis/batch/v1/namespaces/ops/jobs/sgops-", StringComparison.Ordinal) && r.Contains("propagationPolicy=Foreground", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RestartedWorker_ReattachesToRunningJob_WithoutSecondJob()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        var first = await bed.CreateWorkerAsync(fixture, ct);
        var holder = await HoldLockAsync(first.ClusterConnectionString);
        Guid id;
        await using (first)
        {
            id = (await first.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" } } })).GetProperty("id").GetGuid();
            await WaitUntilAsync(async () => await Db.ScalarAsync<long>(first.ClusterConnectionString, WaitingOnLock) == 1, "the Job's runner to wait on the lock");
        }

        // The worker is gone; its Job's runner still waits on the lock.
        Assert.Equal(1L, await Db.ScalarAsync<long>(first.ClusterConnectionString, WaitingOnLock));
        await using var second = await bed.CreateWorkerAsync(fixture, ct, storage: first.StorageConnectionString, cluster: first.ClusterConnectionString);
        await WaitUntilAsync(async () => (await LogsAsync(second, id)).Any(l => l.Contains("Re-attached to Job", StringComparison.Ordinal)), "the new worker to re-attach");
        await holder.DisposeAsync();
        var run = await second.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal(1, bed.StandIn.JobsCreated);
        Assert.Single(bed.Jobs());

        // The runner's lines from before the restart are kept once, though the pod's log was read again from its start.
        var logs = await LogsAsync(second, id);
        Assert.Single(logs, l => l.StartsWith($"run {id:N}: vacuum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImagePullFailure_EndsRunFailed_WithReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = await bed.CreateWorkerAsync(fixture, ct, image: "localhost/stackgres-ops-jobs:never-built");
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE items (id int);");

        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "items" } } })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        Assert.Contains("ErrImagePull", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await WaitUntilAsync(() => Task.FromResult(bed.Jobs().Count == 0), "the stuck Job to be deleted");
    }

    [Fact]
    public async Task DeadlineExceeded_EndsRunFailed_WithReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = (await bed.CreateWorkerAsync(fixture, ct)).WithSetting("Ops:Executor:Kubernetes:MaxRunDuration", "00:00:03");
        await using var holder = await HoldLockAsync(worker.ClusterConnectionString);

        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" } } })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(40));

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        Assert.Contains("deadline", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var job = Assert.Single(bed.Jobs());
        Assert.Equal(3, job.Spec.ActiveDeadlineSeconds);
    }

    private static async Task<LockHolder> HoldLockAsync(string connectionString)
    {
        await Db.ExecuteAsync(connectionString, "CREATE TABLE locked (id int); INSERT INTO locked SELECT generate_series(1, 100);");
        var connection = await Db.OpenAsync(connectionString);
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new LockHolder(connection, transaction);
    }

    private static async Task<List<string>> LogsAsync(WorkerFactory worker, Guid id)
    {
        using var client = worker.CreateAuthorizedClient();
        var text = await client.GetStringAsync($"/api/v1/runs/{id}/logs", TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize<JsonElement>(text).EnumerateArray().Select(l => l.GetProperty("message").GetString() ?? string.Empty).ToList();
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(45), what);

    private sealed class LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
