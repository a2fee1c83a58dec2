using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The OpenAPI document describes the API that is really served.</summary>
public sealed class OpenApiTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Document_DescribesEveryCallOfTheContract_AndTheRunRequestBody()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateAuthorizedClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ct);

        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/operations", "get"), ("/api/v1/clusters", "get"), ("/api/v1/clusters/{name}", "get"),
                     ("/api/v1/runs", "post"), ("/api/v1/runs", "get"), ("/api/v1/runs/{id}", "get"),
                     ("/api/v1/runs/{id}/logs", "get"), ("/api/v1/runs/{id}/cancel", "post"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is not documented");
        }

        var body = paths.GetProperty("/api/v1/runs").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema");
        var schema = Resolve(document, body);
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["cluster", "dryRun", "operation", "parameters", "targets"], properties);

        // A body made of exactly the documented fields is accepted.
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE t (id int);");
        using var response = await client.PostAsJsonAsync("/api/v1/runs",
            new Dictionary<string, object> { ["cluster"] = "demo", ["operation"] = "vacuum", ["parameters"] = new { tables = new[] { "t" } }, ["dryRun"] = true }, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference))
        {
            return schema;
        }

        var name = reference.GetString()!.Split('/')[^1];
        return document.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }
}
