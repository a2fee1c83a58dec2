using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The state a crash leaves when the worker died and its runner died too before giving a result:
/// a run `running` under a lease that ran out, and a runner directory whose wrapper is gone. The
/// worker taking the run over starts an idempotent operation again from the beginning, and ends a
/// non-idempotent one failed without starting it again.
/// </summary>
public sealed class OrphanedRunnerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task An_idempotent_run_starts_again_and_a_switchover_is_not_started_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var runDirectory = Directory.CreateTempSubdirectory("sgops-orphans-").FullName;
        try
        {
            await using var worker = (await WorkerFactory.CreateAsync(fixture, ct))
                .WithSetting("Ops:Scheduler:LeaseDuration", "00:00:03")
                .WithSetting("Ops:Scheduler:TakeoverPollInterval", "00:00:00.300")
                .WithSetting("Ops:Executor:RunDirectory", runDirectory);
            await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE orphan (id int); INSERT INTO orphan VALUES (1);");
            using var client = worker.CreateAuthorizedClient();

            var vacuum = await AbandonAsync(worker, runDirectory, "vacuum", """{"tables":["orphan"]}""");
            var switchover = await AbandonAsync(worker, runDirectory, "switchover", "{}");

            var vacuumRun = await worker.WaitForRunAsync(vacuum, TimeSpan.FromSeconds(60));
            var vacuumLog = await client.GetStringAsync($"/api/v1/runs/{vacuum}/logs", ct);
            Assert.True(vacuumRun.GetProperty("status").GetString() == "succeeded", $"{vacuumRun}\n{vacuumLog}");
            Assert.Contains("Taken over by worker", vacuumLog, StringComparison.Ordinal);
            Assert.Contains("vacuum is idempotent: it starts again from the beginning", vacuumLog, StringComparison.Ordinal);

            var switchoverRun = await worker.WaitForRunAsync(switchover, TimeSpan.FromSeconds(60));
            Assert.Equal("failed", switchoverRun.GetProperty("status").GetString());
            Assert.Contains("A switchover is not started twice", switchoverRun.GetProperty("reason").GetString(), StringComparison.Ordinal);
            // The runner directory goes once the outcome is recorded, right after it.
            await Db.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(runDirectory, switchover.ToString("D")))),
                TimeSpan.FromSeconds(10), "the switchover's runner directory removed");
        }
        finally
        {
            Directory.Delete(runDirectory, recursive: true);
        }
    }

    /// <summary>A run its (dead) worker had started, with a runner directory whose wrapper no longer exists.</summary>
    private static async Task<Guid> AbandonAsync(WorkerFactory worker, string runDirectory, string operation, string parameters)
    {
        // The worker creates its schema as it starts.
        using (worker.CreateAuthorizedClient())
        {
        }

        var id = Guid.CreateVersion7();
        await Db.ScalarAsync<object>(worker.StorageConnectionString,
            """
            INSERT INTO ops.runs (id, cluster, operation, parameters, trigger, status, executor, created_at, started_at, owner, attempt, lease_expires_at)
            VALUES ($1, $2, $3, $4::json, 'api', 'running', 'local', now(), now(), 'a-worker-that-died', 1, now() - interval '1 second')
            """,
            id, WorkerFactory.ClusterName, operation, parameters);
        var directory = Directory.CreateDirectory(Path.Combine(runDirectory, id.ToString("D")));
        // Process ids no process has (above the kernel's limit): the wrapper died with its worker.
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "pid"), "4194305 4194305\n", TestContext.Current.CancellationToken);
        return id;
    }
}
