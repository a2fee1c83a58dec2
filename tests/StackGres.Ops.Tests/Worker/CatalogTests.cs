using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The operation catalog and the cluster inventory, as the API shows them.</summary>
public sealed class CatalogTests(PostgresFixture fixture)
{
    [Fact]
    public async Task GetOperations_ListsVacuumWithParameterSchema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();

        var operations = await client.GetFromJsonAsync<JsonElement>("/api/v1/operations", ct);

        var vacuum = Assert.Single(operations.EnumerateArray(), o => o.GetProperty("name").GetString() == "vacuum");
        Assert.False(string.IsNullOrWhiteSpace(vacuum.GetProperty("summary").GetString()));
        var schema = vacuum.GetProperty("parameters");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        var properties = schema.GetProperty("properties");
        Assert.Subset(
            properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(["analyze", "databases", "freeze", "full", "tables", "target", "lockTimeout"], StringComparer.Ordinal));
        Assert.Equal(["backup", "health-check", "log-report", "minor-upgrade", "reindex", "repack", "restore", "restore-test", "rolling-restart", "switchover", "vacuum", "verify"],
            operations.EnumerateArray().Select(o => o.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal("array", properties.GetProperty("tables").GetProperty("type").GetString());
        Assert.Equal("string", properties.GetProperty("tables").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal("boolean", properties.GetProperty("analyze").GetProperty("type").GetString());
        Assert.False(properties.GetProperty("full").GetProperty("default").GetBoolean());
    }

    [Fact]
    public async Task GetClusters_ListsDemoWithoutPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();

        var text = await client.GetStringAsync("/api/v1/clusters", ct);
        var single = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo", ct);

        var demo = Assert.Single(JsonSerializer.Deserialize<JsonElement>(text).EnumerateArray());
        foreach (var cluster in new[] { demo, single })
        {
            Assert.Equal("demo", cluster.GetProperty("name").GetString());
            Assert.Equal(worker.ClusterDatabase, cluster.GetProperty("database").GetString());
            Assert.Equal(fixture.Server.Port, cluster.GetProperty("port").GetInt32());
            Assert.Equal("env", cluster.GetProperty("passwordSource").GetString());
            Assert.False(cluster.TryGetProperty("password", out _));
        }

        Assert.DoesNotContain(worker.Password, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetCluster_Returns404Problem_WhenClusterIsUnknown()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();

        using var response = await client.GetAsync("/api/v1/clusters/nope", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("There is no cluster 'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
