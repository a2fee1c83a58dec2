using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>Run history lives in the worker's database, not in the process.</summary>
public sealed class RunHistoryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task GetRun_ReturnsFinishedRun_WhenWorkerRestartedOnSameStorage()
    {
        var ct = TestContext.Current.CancellationToken;
        var storage = await fixture.CreateDatabaseAsync("ops_storage", ct);
        var cluster = await fixture.CreateDatabaseAsync("ops_cluster", ct);
        await Db.ExecuteAsync(cluster, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1);");

        Guid id;
        JsonElement before;
        await using (var first = await WorkerFactory.CreateAsync(fixture, ct, storage, cluster))
        {
            var accepted = await first.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "kept" } } });
            id = accepted.GetProperty("id").GetGuid();
            before = await first.WaitForRunAsync(id, TimeSpan.FromSeconds(20));
            Assert.True(before.GetProperty("status").GetString() == "succeeded", before.ToString());
        }

        await using var second = await WorkerFactory.CreateAsync(fixture, ct, storage, cluster);
        var after = await second.GetRunAsync(id);

        Assert.Equal(id, after.GetProperty("id").GetGuid());
        Assert.Equal("succeeded", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("finishedAt").GetDateTimeOffset(), after.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Equal(1, after.GetProperty("result").GetProperty("tablesVacuumed").GetInt32());
        Assert.Equal(before.GetProperty("result").ToString(), after.GetProperty("result").ToString());

        using var client = second.CreateAuthorizedClient();
        var runs = await client.GetFromJsonAsync<JsonElement>("/api/v1/runs", ct);
        var listed = Assert.Single(runs.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetGuid());
        Assert.Equal("succeeded", listed.GetProperty("status").GetString());

        // The restarted worker did not run it again.
        await Task.Delay(500, ct);
        Assert.Equal(before.GetProperty("startedAt").GetDateTimeOffset(), (await second.GetRunAsync(id)).GetProperty("startedAt").GetDateTimeOffset());
        Assert.DoesNotContain(second.Logs.Entries, e => e.Message.Contains($"Run {id} started", StringComparison.Ordinal));
    }
}
