using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>Cancelling a run stops its statement on the server and leaves no backend behind.</summary>
public sealed class CancellationTests(PostgresFixture fixture)
{
    [Fact]
    public async Task CancelRun_EndsRunCancelledAndFreesBackend_WhenRunWaitsOnLock()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE locked (id int); INSERT INTO locked SELECT generate_series(1, 100);");

        await using var holder = await Db.OpenAsync(worker.ClusterConnectionString);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var accepted = await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" } } });
        var id = accepted.GetProperty("id").GetGuid();
        await worker.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(15));
        await Db.WaitUntilAsync(async () => await Db.RunBackendsAsync(worker.ClusterConnectionString, "wait_event_type = 'Lock'") == 1,
            TimeSpan.FromSeconds(15), "the run's backend to wait on the lock");

        using var client = worker.CreateAuthorizedClient();
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync($"/api/v1/runs/{id}/cancel", null, ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(answer.GetProperty("cancelRequested").GetBoolean());
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(15));
        Assert.True(run.GetProperty("status").GetString() == "cancelled", run.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cancelling took {clock.Elapsed}");
        // The runner reports what it had done by then: nothing (the only table was never vacuumed).
        Assert.True(run.TryGetProperty("result", out var result), run.ToString());
        Assert.Equal(0, result.GetProperty("tablesVacuumed").GetInt32());
        Assert.Empty(result.GetProperty("tables").EnumerateArray());
        await Db.WaitForNoRunBackendsAsync(worker.ClusterConnectionString);

        // The lock holder was never disturbed: its transaction is still open and holds the lock.
        await using (var stillHeld = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE relation = 'locked'::regclass AND mode = 'AccessExclusiveLock' AND granted", holder, transaction))
        {
            Assert.Equal(1L, await stillHeld.ExecuteScalarAsync(ct));
        }

        await transaction.RollbackAsync(ct);
    }

    [Fact]
    public async Task CancelRun_Returns409_WhenRunHasFinished()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE done (id int);");
        var accepted = await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "done" } } });
        var id = accepted.GetProperty("id").GetGuid();
        await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(20));
        using var client = worker.CreateAuthorizedClient();

        using var response = await client.PostAsync($"/api/v1/runs/{id}/cancel", null, ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("already ended succeeded", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var run = await worker.GetRunAsync(id);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.False(run.GetProperty("cancelRequested").GetBoolean());
    }

    [Fact]
    public async Task CancelRun_Returns404_WhenRunIsUnknown()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();
        var id = Guid.NewGuid();

        using var response = await client.PostAsync($"/api/v1/runs/{id}/cancel", null, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains(id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
