using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The API wants the Bearer token, the dashboard asks a browser for it, health needs nothing.</summary>
public sealed class AuthenticationTests(PostgresFixture fixture)
{
    private static readonly (HttpMethod Method, string Path)[] ApiCalls =
    [
        (HttpMethod.Get, "/api/v1/runs"),
        (HttpMethod.Post, "/api/v1/runs"),
        (HttpMethod.Get, "/api/v1/operations"),
        (HttpMethod.Get, "/api/v1/clusters"),
        (HttpMethod.Get, "/api/v1/clusters/demo"),
        (HttpMethod.Get, "/api/v1/runs/0199a5e0-0000-7000-8000-000000000001"),
        (HttpMethod.Get, "/api/v1/runs/0199a5e0-0000-7000-8000-000000000001/logs"),
        (HttpMethod.Post, "/api/v1/runs/0199a5e0-0000-7000-8000-000000000001/cancel"),
        (HttpMethod.Get, "/openapi/v1.json"),
    ];

    [Fact]
    public async Task ApiCall_Returns401Problem_WhenTokenIsMissingOrWrong()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateClient();
        AuthenticationHeaderValue?[] credentials =
        [
            null,
            new("Bearer", WorkerFactory.NewToken()),
            new("Bearer", worker.Token + "x"),
            new("Bearer", worker.Token[..^1]),
        ];

        foreach (var (method, path) in ApiCalls)
        {
            foreach (var authorization in credentials)
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Authorization = authorization;
                if (path == "/api/v1/runs")
                {
                    request.Content = new StringContent(
                        """{"cluster":"demo","operation":"vacuum"}""", Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, ct);

                var what = $"{method} {path} with {authorization?.Scheme ?? "no"} credentials";
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                    $"{what}: content type {response.Content.Headers.ContentType}");
            }
        }

        // Nothing got through: no run was recorded.
        using var authorized = worker.CreateAuthorizedClient();
        Assert.Equal("[]", await authorized.GetStringAsync("/api/v1/runs", ct));
    }

    [Fact]
    public async Task Dashboard_AsksForBasicCredentials_WhenNoneAreGiven()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateClient();

        using var anonymous = await client.GetAsync("/hangfire", ct);
        using var wrong = await SendBasicAsync(client, "admin", WorkerFactory.NewToken(), ct);

        foreach (var response in new[] { anonymous, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Basic", challenge.Scheme);
            Assert.Contains("realm=", challenge.Parameter, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dashboard_Returns200Html_WhenBasicPasswordIsTheToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateClient();

        using var response = await SendBasicAsync(client, "admin", worker.Token, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("StackGres.Ops", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoint_Returns200_WithoutToken(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        using var client = worker.CreateClient();

        using var response = await client.GetAsync(path, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task<HttpResponseMessage> SendBasicAsync(HttpClient client, string user, string password, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await client.SendAsync(request, ct);
    }
}
