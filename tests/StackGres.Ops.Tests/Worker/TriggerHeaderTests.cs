using System.Net;
using System.Net.Http.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary><c>X-Ops-Trigger</c> on <c>POST /api/v1/runs</c>: <c>api</c> by default, <c>cli</c> for the CLI, nothing else.</summary>
public sealed class TriggerHeaderTests(PostgresFixture fixture)
{
    [Fact]
    public async Task PostRun_RecordsTheTriggerHeader_AndRefusesOtherValues()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();
        var body = new { cluster = WorkerFactory.ClusterName, operation = "vacuum", dryRun = true };

        var plain = await worker.SubmitAsync(body);
        using var fromCli = await SendAsync(client, body, "cli", ct);
        using var refused = await SendAsync(client, body, "dashboard", ct);

        Assert.Equal("api", plain.GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.Accepted, fromCli.StatusCode);
        var cliRun = await fromCli.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        Assert.Equal("cli", cliRun.GetProperty("trigger").GetString());
        Assert.Equal("cli", (await worker.GetRunAsync(cliRun.GetProperty("id").GetGuid())).GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Header 'X-Ops-Trigger' must be one of api, cli (got 'dashboard').",
            await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        await worker.WaitForRunAsync(plain.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(60));
        await worker.WaitForRunAsync(cliRun.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(60));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, object body, string trigger, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Ops-Trigger", trigger);
        return await client.SendAsync(request, ct);
    }
}
