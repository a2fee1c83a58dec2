using System.Net;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// StackGres's <c>timeout</c> and <c>maxRetries</c> on a run: a run over its timeout is stopped on the
/// server and recorded failed with that reason; a failed attempt of an idempotent operation starts
/// again after a backoff, each attempt in the run's log; a non-idempotent operation refuses retries.
/// </summary>
public sealed class TimeoutAndRetriesTests(PostgresFixture fixture)
{
    private const string SlotLock = "SELECT pg_advisory_lock(hashtextextended('stackgres-ops/cluster/demo', 0))";

    [Fact]
    public async Task A_run_over_its_timeout_is_stopped_on_the_server_and_recorded_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await HeldTable.CreateAsync(worker.ClusterConnectionString);
        await using var held = await HeldTable.LockAsync(worker.ClusterConnectionString);

        var id = (await worker.SubmitAsync(new
        {
            cluster = "demo", operation = "vacuum", timeout = "PT3S",
            parameters = HeldTable.VacuumFull,
        })).GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());
        Assert.StartsWith("Timed out: the run's timeout (PT3S) ran out", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("PT3S", run.GetProperty("timeout").GetString());
        await Db.WaitForNoRunBackendsAsync(worker.ClusterConnectionString);
        await held.ReleaseAsync();
    }

    [Fact]
    public async Task A_failed_idempotent_attempt_starts_again_and_each_attempt_is_in_the_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = (await WorkerFactory.CreateAsync(fixture, ct)).WithSetting("Ops:Executor:RetryDelay", "00:00:01");
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE flaky (id int); CREATE TABLE gone (id int);");
        using var client = worker.CreateAuthorizedClient();

        // The slot held here keeps the runs queued past their checks; the tables go away meanwhile.
        await using var slot = await Db.OpenAsync(worker.StorageConnectionString);
        await new NpgsqlCommand(SlotLock, slot).ExecuteNonQueryAsync(ct);
        var recovers = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", maxRetries = 2, parameters = new { tables = new[] { "flaky" } } }))
            .GetProperty("id").GetGuid();
        await worker.WaitForStatusAsync(recovers, "queued", TimeSpan.FromSeconds(5));
        await Db.ExecuteAsync(worker.ClusterConnectionString, "DROP TABLE flaky;");
        await slot.CloseAsync();

        await Db.WaitUntilAsync(async () => (await client.GetStringAsync($"/api/v1/runs/{recovers}/logs", ct)).Contains("Attempt 1 of 3 failed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the first attempt failing");
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE flaky (id int);");
        var recovered = await worker.WaitForRunAsync(recovers, TimeSpan.FromSeconds(30));
        var log = await client.GetStringAsync($"/api/v1/runs/{recovers}/logs", ct);
        Assert.True(recovered.GetProperty("status").GetString() == "succeeded", $"{recovered}\n{log}");
        Assert.Equal(2, recovered.GetProperty("maxRetries").GetInt32());

        await using var again = await Db.OpenAsync(worker.StorageConnectionString);
        await new NpgsqlCommand(SlotLock, again).ExecuteNonQueryAsync(ct);
        var fails = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", maxRetries = 2, parameters = new { tables = new[] { "gone" } } }))
            .GetProperty("id").GetGuid();
        await Db.ExecuteAsync(worker.ClusterConnectionString, "DROP TABLE gone;");
        await again.CloseAsync();
        var failed = await worker.WaitForRunAsync(fails, TimeSpan.FromSeconds(60));
        var failedLog = await client.GetStringAsync($"/api/v1/runs/{fails}/logs", ct);
        Assert.True(failed.GetProperty("status").GetString() == "failed", $"{failed}\n{failedLog}");
        Assert.Contains("Attempt 1 of 3 failed", failedLog, StringComparison.Ordinal);
        Assert.Contains("attempt 2 starts in 00:00:01", failedLog, StringComparison.Ordinal);
        Assert.Contains("Attempt 2 of 3 failed", failedLog, StringComparison.Ordinal);
        Assert.Contains("attempt 3 starts in 00:00:02", failedLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Attempt 3 of 3 failed", failedLog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"cluster":"demo","operation":"switchover","maxRetries":1}""", "maxRetries must be 0 for switchover")]
    [InlineData("""{"cluster":"demo","operation":"vacuum","maxRetries":11}""", "Field 'maxRetries' must be a whole number from 0 to 10.")]
    [InlineData("""{"cluster":"demo","operation":"vacuum","maxRetries":"2"}""", "Field 'maxRetries' must be a whole number from 0 to 10.")]
    [InlineData("""{"cluster":"demo","operation":"vacuum","timeout":"30 minutes"}""", "Field 'timeout' must be an ISO 8601 duration")]
    [InlineData("""{"cluster":"demo","operation":"vacuum","timeout":"PT0S"}""", "Field 'timeout' must be an ISO 8601 duration")]
    [InlineData("""{"cluster":"demo","operation":"vacuum","timeout":"P30D"}""", "Field 'timeout' must be an ISO 8601 duration")]
    public async Task Bad_timeouts_and_retries_are_refused(string body, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var response = await worker.PostRunRawAsync(body);
        var problem = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem);
        Assert.Contains(expected, JsonSerializer.Deserialize<JsonElement>(problem).ToString(), StringComparison.Ordinal);
    }
}
