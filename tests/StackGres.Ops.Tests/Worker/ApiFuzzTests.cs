using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// A bounded, seeded fuzz of the HTTP API: random and hostile methods, paths, query strings, headers
/// and bodies, with and without the token. No answer is a 5xx, and the worker is alive at the end.
/// A failure prints the seed and the request, so that it can be replayed. Against a real worker
/// process, so that Kestrel's own handling of malformed requests is part of what is checked.
/// </summary>
public sealed class ApiFuzzTests(PostgresFixture fixture)
{
    // OPS_FUZZ_SEED and OPS_FUZZ_REQUESTS replay a failure or fuzz longer locally.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("OPS_FUZZ_SEED"), out var seed) ? seed : 20261203;
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("OPS_FUZZ_REQUESTS"), out var requests) ? requests : 600;

    // Mostly the methods the API answers, so that most requests get past routing.
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Paths =
    [
        "/api/v1/runs", "/api/v1/runs", "/api/v1/runs", "/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/runs/{id}/logs", "/api/v1/runs/{id}/cancel", "/api/v1/runs/{id}/report",
        "/api/v1/clusters", "/api/v1/clusters/{name}", "/api/v1/clusters/{name}/backups", "/api/v1/clusters/{name}/manifests",
        "/api/v1/clusters/{name}/apply", "/api/v1/operations", "/openapi/v1.json", "/healthz", "/readyz", "/metrics", "/hangfire",
        "/hangfire/jobs/enqueued", "/{junk}", "/api/v1/{junk}",
    ];

    private static readonly string[] Strings =
    [
        "demo", "vacuum", "repack", "switchover", "", " ", "\u0000", "../../etc/passwd", "%00", "%ED%A0%80", "%FF%FE", "\ud83d\ude00",
        "'; DROP TABLE ops.runs; --", "\"quoted\"", "a\nb", new string('x', 5000), "00000000-0000-0000-0000-000000000000",
        "-1", "99999999999999999999", "1e308", "NaN", "true", "null", "{}", "[]", "<script>alert(1)</script>", "%", "%%", "?", "#",
    ];

    private static readonly string[] Accepts =
        ["application/json", "text/html", "application/xml", "*/*", "image/png", "application/problem+json;q=0.1", "garbage///", ""];

    private static readonly string[] ContentTypes =
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "nonsense"];

    [Fact]
    public async Task Random_and_hostile_requests_never_get_a_5xx()
    {
        var ct = TestContext.Current.CancellationToken;
        // A real worker process behind Kestrel: the in-memory test server refuses some requests itself.
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "CREATE TABLE fuzzed (id int);");
        await using var process = await WorkerProcess.StartAsync(worker);
        using var client = new HttpClient { BaseAddress = process.Http.BaseAddress };
        var random = new Random(Seed);
        var known = Guid.Empty;
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            using var request = NewRequest(random, worker.Token, known);
            var described = $"seed {Seed}, request {i}: {request.Method} {request.RequestUri} {request.Headers} {request.Content?.Headers}";
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(ct);
            using var response = await client.SendAsync(request, ct);
            var answer = await response.Content.ReadAsStringAsync(ct);
            Assert.True((int)response.StatusCode < 500, $"{described}\nbody: {Shorten(body)}\nanswered {(int)response.StatusCode}: {Shorten(answer)}\n{process.Tail}");
            if (Environment.GetEnvironmentVariable("OPS_FUZZ_DEBUG") is not null && request.Method == HttpMethod.Post)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{(int)response.StatusCode} {request.RequestUri} {Shorten(body)} -> {Shorten(answer)}");
            }

            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if (response.StatusCode == HttpStatusCode.Accepted && answer.Contains("\"id\"", StringComparison.Ordinal))
            {
                known = System.Text.Json.JsonDocument.Parse(answer).RootElement.GetProperty("id").GetGuid();
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}, {Requests} requests: " + string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}")));
        using var health = await client.GetAsync("/healthz", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static HttpRequestMessage NewRequest(Random random, string token, Guid known)
    {
        var path = Pick(random, Paths)
            .Replace("{id}", random.Next(3) switch { 0 => known.ToString(), 1 => Guid.NewGuid().ToString(), _ => Uri.EscapeDataString(Pick(random, Strings)) }, StringComparison.Ordinal)
            .Replace("{name}", random.Next(2) == 0 ? "demo" : Uri.EscapeDataString(Pick(random, Strings)), StringComparison.Ordinal)
            .Replace("{junk}", RawSegment(random), StringComparison.Ordinal);
        var query = random.Next(3) == 0 ? string.Empty : "?" + string.Join('&', Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
            $"{Pick(random, ["limit", "offset", "status", "cluster", "operation", "after", "format", "html", Pick(random, Strings)])}={RawSegment(random)}"));
        var request = new HttpRequestMessage(new HttpMethod(Pick(random, Methods)), path + query);
        switch (random.Next(4))
        {
            case 0:
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + HeaderText(Pick(random, Strings)));
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
        }

        request.Headers.TryAddWithoutValidation("Accept", Pick(random, Accepts));
        if (random.Next(5) == 0)
        {
            request.Headers.TryAddWithoutValidation(Pick(random, ["X-Ops-Trigger", "If-None-Match", "Range", "X-Forwarded-For", "Cookie"]), HeaderText(Pick(random, Strings)));
        }

        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && random.Next(4) != 0)
        {
            request.Content = new ByteArrayContent(Body(random));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", Pick(random, ContentTypes));
        }

        return request;
    }

    /// <summary>A path or query segment that may be escaped wrongly on purpose.</summary>
    private static string RawSegment(Random random) => random.Next(3) switch
    {
        0 => Uri.EscapeDataString(Pick(random, Strings)),
        1 => Pick(random, ["%ED%A0%80", "%C0%AF", "%FF", "%2e%2e%2f", "%", "a%zz", "%u0041"]),
        _ => random.Next(-5, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static byte[] Body(Random random)
    {
        switch (random.Next(8))
        {
            case 0:
                var bytes = new byte[random.Next(0, 2000)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                return Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)));
            case 2:
                return Encoding.UTF8.GetBytes("""{"cluster":"demo","operation":"vacuum","parameters":{"tables":["fuzzed"]}}"""[..random.Next(1, 70)]);
            case 3:
                // A valid request but for the run options: some of these are accepted and run.
                return Encoding.UTF8.GetBytes(
                    $$"""{"cluster":"demo","operation":"{{Pick(random, ["vacuum", "health-check"])}}","parameters":{},"timeout":{{Pick(random, ["null", "\"PT1M\"", "\"PT0.5S\"", "\"P1Y\"", "\"PT\"", "5"])}},"maxRetries":{{Pick(random, ["0", "1", "10", "-1", "2.5", "null"])}}}""");
            default:
                var json = new StringBuilder("{");
                var fields = new List<string> { "cluster", "operation" };
                fields.AddRange(new[] { "parameters", "dryRun", "targets", "timeout", "maxRetries" }.Where(_ => random.Next(3) == 0));
                if (random.Next(4) == 0)
                {
                    fields.Add(Pick(random, Strings));
                }

                foreach (var field in fields)
                {
                    json.Append(System.Text.Json.JsonSerializer.Serialize(field)).Append(':').Append(Value(random, field, 0)).Append(',');
                }

                if (json.Length > 1)
                {
                    json.Length--;
                }

                return Encoding.UTF8.GetBytes(json.Append('}').ToString());
        }
    }

    private static string Value(Random random, string field, int depth)
    {
        if (depth < 3 && random.Next(4) == 0)
        {
            return random.Next(2) == 0
                ? "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, field, depth + 1))) + "]"
                : "{" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
                    $"{System.Text.Json.JsonSerializer.Serialize(Pick(random, ["tables", "full", "databases", "lockTimeout", "type", "target", Pick(random, Strings)]))}:{Value(random, field, depth + 1)}")) + "}";
        }

        if (field is "cluster" or "operation" && random.Next(2) == 0)
        {
            return field == "cluster" ? "\"demo\"" : $"\"{Pick(random, ["vacuum", "health-check", "reindex", "repack", "switchover", "backup"])}\"";
        }

        return random.Next(6) switch
        {
            0 => field switch { "cluster" => "\"demo\"", "operation" => $"\"{Pick(random, ["vacuum", "health-check", "reindex", "repack", "switchover", "backup"])}\"", _ => "\"fuzzed\"" },
            1 => Pick(random, ["true", "false", "null", "0", "-1", "1e999", "123456789012345678901234567890", "0.5"]),
            2 => Pick(random, ["\"\\ud800\"", "\"\\udfff x\"", "\"\\u0000\"", "\"PT1S\"", "\"P99999999D\"", "\"-PT1S\""]),
            _ => System.Text.Json.JsonSerializer.Serialize(Pick(random, Strings)),
        };
    }

    /// <summary>What HTTP lets a client send in a header (printable ASCII); the client refuses the rest itself.</summary>
    private static string HeaderText(string text) => new(text.Where(c => c is >= ' ' and < '\u007f').ToArray());

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "..." : text;
}
