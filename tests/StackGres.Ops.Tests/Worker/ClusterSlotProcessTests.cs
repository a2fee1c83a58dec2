using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// One heavy operation per cluster, with the worker replicas as separate operating-system processes
/// sharing one storage: the in-process worker and a real `StackGres.Ops.Worker` process.
/// </summary>
public sealed class ClusterSlotProcessTests(PostgresFixture fixture)
{
    [Fact]
    public async Task TwoWorkerProcesses_NeverRunTwoHeavyOperationsOnOneClusterAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(first.ClusterConnectionString, "CREATE TABLE locked (id int); CREATE TABLE free (id int);");
        await using var second = await WorkerProcess.StartAsync(first);
        var http = second.Http;
        {

            await using var holder = await Db.OpenAsync(first.ClusterConnectionString);
            var transaction = await holder.BeginTransactionAsync(ct);
            await new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction).ExecuteNonQueryAsync(ct);
            var blocked = (await first.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" }, lockTimeout = "0" } }))
                .GetProperty("id").GetGuid();
            await first.WaitForStatusAsync(blocked, "running", TimeSpan.FromSeconds(15));

            using var response = await http.PostAsJsonAsync("/api/v1/runs", new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "free" } } }, ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var waiting = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();

            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            Assert.Equal("queued", (await first.GetRunAsync(waiting)).GetProperty("status").GetString());

            await transaction.RollbackAsync(ct);
            var firstRun = await first.WaitForRunAsync(blocked, TimeSpan.FromSeconds(30));
            var secondRun = await first.WaitForRunAsync(waiting, TimeSpan.FromSeconds(30));
            Assert.Equal("succeeded", firstRun.GetProperty("status").GetString());
            Assert.Equal("succeeded", secondRun.GetProperty("status").GetString());
            Assert.True(secondRun.GetProperty("startedAt").GetDateTimeOffset() >= firstRun.GetProperty("finishedAt").GetDateTimeOffset(),
                $"overlap: {firstRun} / {secondRun}");
        }
    }
}
