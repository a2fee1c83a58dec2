using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// Input that used to get a 500: strings that are valid JSON but not text (escaped lone surrogates), and problems
/// (401, 403) asked for by clients that do not accept JSON. Each gets its 4xx problem, and the worker goes on.
/// </summary>
public sealed class HostileInputTests(PostgresFixture fixture)
{
    [Fact]
    public async Task LoneSurrogates_AnywhereInARunRequest_Are400_AndNothingIsQueued()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        string[] bodies =
        [
            """{"cluster":"demo","operation":"\ud800"}""",
            """{"cluster":"\udfff","operation":"vacuum"}""",
            """{"cluster":"demo","operation":"vacuum","parameters":{"tables":["\ud800"]}}""",
            """{"cluster":"demo","operation":"vacuum","parameters":{"\ud800x":true}}""",
            """{"cluster":"demo","operation":"vacuum","parameters":{"tables":["ok\ud83d"]}}""",
        ];

        foreach (var body in bodies)
        {
            using var response = await worker.PostRunRawAsync(body);
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("not text", JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var client = worker.CreateAuthorizedClient();
        Assert.Equal("[]", (await client.GetStringAsync("/api/v1/runs", ct)).Trim());
        // A valid pair of surrogates is text, and the worker still answers.
        using var fine = await worker.PostRunRawAsync("""{"cluster":"demo","operation":"vacuum","parameters":{"tables":["\ud83d\ude00"]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, fine.StatusCode);
        Assert.Contains("does not exist", await fine.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("text/plain")]
    [InlineData("image/png")]
    public async Task Problems_AreWritten_WhateverTheAcceptHeader(string accept)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = (await WorkerFactory.CreateAsync(fixture, ct)).WithSetting("Ops:Api:ReadOnlyToken", WorkerFactory.NewToken());
        using var anonymous = worker.CreateClient();
        anonymous.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));

        using var unauthorized = await anonymous.GetAsync("/api/v1/runs", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("Bearer", await unauthorized.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var reader = worker.CreateClient();
        reader.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", worker.Settings["Ops:Api:ReadOnlyToken"]);
        using var forbidden = await reader.PostAsync("/api/v1/runs",
            new StringContent("""{"cluster":"demo","operation":"vacuum"}""", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }
}
