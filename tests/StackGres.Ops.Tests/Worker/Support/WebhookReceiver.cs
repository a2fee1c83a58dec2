using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using StackGres.Ops.Tests.Support;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port): it keeps every POST to <see cref="Url"/> (headers and the raw
/// body) and answers 200, or 500 for the next <see cref="FailNext"/> requests. The URL's last segment is a token, as a
/// Slack URL's is, so tests can check that it never reaches a log.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedHook> received = new();
    private int failuresLeft;

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/hooks/{token}", async (string token, HttpContext context) =>
        {
            if (token != Token)
            {
                return Results.NotFound();
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var status = Interlocked.Decrement(ref failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            received.Enqueue(new ReceivedHook(headers, body.ToArray(), status));
            return Results.StatusCode(status);
        });
    }

    /// <summary>The secret part of <see cref="Url"/>.</summary>
    public string Token { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Url { get; private set; } = string.Empty;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedHook> Received => [.. received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.app.StartAsync(TestContext.Current.CancellationToken);
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = $"{address}/hooks/{receiver.Token}";
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> requests are answered 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref failuresLeft, count);

    /// <summary>Polls until a request matches; fails the test with what was received on timeout.</summary>
    public async Task<ReceivedHook> WaitForAsync(Func<ReceivedHook, bool> match, TimeSpan timeout, string what) =>
        (await Poll.UntilAsync(() => Task.FromResult(Received.FirstOrDefault(match)), hook => hook is not null, timeout,
            _ => $"no {what} within {timeout}; received: {string.Join("\n", Received.Select(h => h.Text))}"))!;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}

/// <summary>One POST the receiver got, and the status it answered.</summary>
public sealed record ReceivedHook(IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);

    public string Type => Json.TryGetProperty("type", out var type) ? type.GetString() ?? string.Empty : string.Empty;

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;
}
