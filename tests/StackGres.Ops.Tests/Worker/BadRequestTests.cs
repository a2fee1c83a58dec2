using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>A refused run request gets a 400 problem that says why, and leaves nothing behind: no run, no Hangfire job.</summary>
public sealed class BadRequestTests(PostgresFixture fixture, BadRequestTests.RefusingWorker shared) : IClassFixture<BadRequestTests.RefusingWorker>
{
    /// <summary>Body, and words the problem's detail must contain.</summary>
    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"cluster":"demo","operation":"vacum","parameters":{}}""", "Unknown operation 'vacum'" },
        { """{"cluster":"nope","operation":"vacuum"}""", "Unknown cluster 'nope'" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"vaccum":true}}""", "Unknown parameter 'vaccum'" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"analyze":"yes"}}""", "Parameter 'analyze' must be a boolean" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"tables":"t"}}""", "Parameter 'tables' must be an array" },
        { """{"cluster":""", "not valid JSON" },
        { """["demo","vacuum"]""", "must be a JSON object" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"tables":["no_such_table"]}}""", "Table 'no_such_table' does not exist" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"tables":["x\"; DROP TABLE t; --"]}}""", "Table 'x\"; DROP TABLE t; --' does not exist" },
        { """{"cluster":"demo","operation":"vacuum","parameters":{"tables":["t"],"databases":["one","two"]}}""", "'tables' needs exactly one database" },
        { """{"cluster":"demo","operation":"vacuum","paramters":{"tables":["t"]}}""", "Unknown field 'paramters'" },
        { """{"cluster":"demo","operation":"vacuum","targets":"all"}""", "Field 'targets' must be \"parameters\" (the default) or \"findings\"" },
        { """{"cluster":"demo","operation":"backup","targets":"findings"}""", "works with reindex, repack, vacuum only, not with 'backup'" },
        { """{"cluster":"demo","operation":"repack","targets":"findings","parameters":{"tables":["t"]}}""", "Parameter 'tables' cannot be given with targets \"findings\"" },
        { """{"cluster":"demo","operation":"vacuum","targets":"findings","parameters":{"full":"yes"}}""", "Parameter 'full' must be a boolean" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task PostRun_Returns400ProblemAndQueuesNothing_WhenRequestIsInvalid(string body, string expectedDetail)
    {
        var ct = TestContext.Current.CancellationToken;
        var worker = shared.Worker;

        using var response = await worker.PostRunRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(expectedDetail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateArray());
        await AssertNothingQueuedAsync(worker);
        Assert.Equal(3L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task PostRun_AcceptsValidRequest_WhenInvalidOnesCameBefore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2), (3);");
        foreach (var body in BadRequests.Select(row => row.Data.Item1))
        {
            using var refused = await worker.PostRunRawAsync(body);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)refused.StatusCode}");
        }

        await AssertNothingQueuedAsync(worker);

        var accepted = await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "t" } } });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(20));

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal("t", Assert.Single(run.GetProperty("result").GetProperty("tables").EnumerateArray()).GetProperty("table").GetString());
        Assert.Equal(3L, await Db.ScalarAsync<long>(worker.ClusterConnectionString, "SELECT count(*) FROM t"));
        Assert.Equal(1L, await Db.ScalarAsync<long>(worker.StorageConnectionString, "SELECT count(*) FROM hangfire.job"));
    }

    private static async Task AssertNothingQueuedAsync(WorkerFactory worker)
    {
        using var client = worker.CreateAuthorizedClient();
        var runs = await client.GetFromJsonAsync<JsonElement>("/api/v1/runs", TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Array, runs.ValueKind);
        Assert.Empty(runs.EnumerateArray());
        Assert.Equal(0L, await Db.ScalarAsync<long>(worker.StorageConnectionString, "SELECT count(*) FROM hangfire.job"));
    }

    /// <summary>One worker for every refused request: a refusal leaves nothing behind, so they can share it.</summary>
    public sealed class RefusingWorker(PostgresFixture fixture) : IAsyncLifetime
    {
        private WorkerFactory? worker;

        public WorkerFactory Worker => worker ?? throw new InvalidOperationException("The worker has not been started.");

        public async ValueTask InitializeAsync()
        {
            worker = await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken);
            await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2), (3);");
        }

        public async ValueTask DisposeAsync()
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
        }
    }
}
