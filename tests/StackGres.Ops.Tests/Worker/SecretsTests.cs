using System.Net;
using System.Net.Http.Headers;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The API token and the cluster's password never show in the worker's logs, run records or run logs.</summary>
public sealed class SecretsTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Secrets_AppearNowhere_AfterSuccessfulRunAndFailedRequests()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE secret_free (id int); INSERT INTO secret_free VALUES (1);");

        var accepted = await worker.SubmitAsync(new
        {
            cluster = "demo",
            operation = "vacuum",
            parameters = new { tables = new[] { "secret_free" }, analyze = true },
        });
        var id = accepted.GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(20));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());

        using var refused = await worker.PostRunRawAsync("""{"cluster":"demo","operation":"vacuum","parameters":{"tables":["missing"]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusal = await refused.Content.ReadAsStringAsync(ct);
        using var anonymous = worker.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-" + worker.Token);
        using var unauthorized = await anonymous.GetAsync("/api/v1/runs", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        var unauthorizedBody = await unauthorized.Content.ReadAsStringAsync(ct);

        using var client = worker.CreateAuthorizedClient();
        var runJson = await client.GetStringAsync($"/api/v1/runs/{id}", ct);
        var runLog = await client.GetStringAsync($"/api/v1/runs/{id}/logs", ct);
        var clusters = await client.GetStringAsync("/api/v1/clusters", ct);
        var logs = worker.Logs.Entries;

        // The capture works: the run and the rejected token were logged.
        Assert.Contains(logs, e => e.Message.Contains($"Run {id} queued", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Message.Contains("vacuumed", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Message.Contains("invalid token", StringComparison.Ordinal));
        Assert.Contains("vacuumed", runLog, StringComparison.Ordinal);

        var texts = new Dictionary<string, string>
        {
            ["worker log"] = string.Join('\n', logs.Select(e => e.ToString())),
            ["run"] = runJson,
            ["run log"] = runLog,
            ["refusal"] = refusal,
            ["401 answer"] = unauthorizedBody,
            ["clusters"] = clusters,
        };
        foreach (var (what, text) in texts)
        {
            Assert.False(text.Contains(worker.Token, StringComparison.OrdinalIgnoreCase), $"The API token appears in the {what}.");
            Assert.False(text.Contains(worker.Password, StringComparison.OrdinalIgnoreCase), $"The cluster password appears in the {what}.");
        }
    }
}
