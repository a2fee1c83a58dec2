using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli;

/// <summary><c>sgops operations</c>, <c>sgops clusters</c>, and the trigger header the CLI sends.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliCatalogTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task Operations_ListsEachOperationWithItsParameters()
    {
        var result = await cli.RunAsync("operations");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("vacuum  (heavy", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+tables\s+array of string\s+-\s+Tables to vacuum", result.Out);
        Assert.Matches(@"\n\s+analyze\s+boolean\s+false\s+Also update planner statistics", result.Out);
    }

    [Fact]
    public async Task Clusters_ListsTheInventory_AndShowsOne()
    {
        var list = await cli.RunAsync("clusters");
        var one = await cli.RunAsync("clusters", CliWorkerFixture.Cluster);
        var unknown = await cli.RunAsync("clusters", "nowhere");

        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"NAME\s+HOST\s+PORT\s+DATABASE\s+USER\n" + CliWorkerFixture.Cluster + @"\s+127\.0\.0\.1\s+\d+\s+cli_demo_", list.Out);
        Assert.Equal(0, one.ExitCode);
        Assert.Matches(@"passwordSource\s+env", one.Out);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("There is no cluster 'nowhere'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClustersWindows_SaysWhenNoWindowIsScheduled()
    {
        var result = await cli.RunAsync("clusters", "windows", CliWorkerFixture.Cluster);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("No maintenance windows are scheduled for cluster 'demo'.", result.Out.Trim());
    }

    [Fact]
    public async Task SubmitApi_RecordsTheTriggerHeader_AndRefusesOtherValues()
    {
        using var http = worker.Worker.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", worker.Token);
        var body = new { cluster = CliWorkerFixture.Cluster, operation = "vacuum", dryRun = true };
        var cancellationToken = TestContext.Current.CancellationToken;

        using var plain = await http.PostAsJsonAsync("/api/v1/runs", body, cancellationToken);
        using var dashboard = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs") { Content = JsonContent.Create(body) };
        dashboard.Headers.Add("X-Ops-Trigger", "dashboard");
        using var refused = await http.SendAsync(dashboard, cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        Assert.Equal("api", (await plain.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("trigger").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Header 'X-Ops-Trigger' must be one of api, cli (got 'dashboard').",
            await refused.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
    }
}
