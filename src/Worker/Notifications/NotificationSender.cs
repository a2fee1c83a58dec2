using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>
/// POSTs a notification to its sink. Its own HTTP client, not IHttpClientFactory's, whose logging writes request URLs,
/// and a Slack URL is a token; failures are described without the URL either (status code or the kind of error).
/// </summary>
public sealed class NotificationSender(IOptions<NotificationsOptions> options, TimeProvider clock) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Null when the sink answered 2xx; otherwise why the delivery failed, fit for logs.</summary>
    public async Task<string?> SendAsync(PendingNotification pending, NotificationSinkOptions sink, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var body = sink.Type == NotificationSinkType.Slack ? NotificationPayloads.Slack(pending) : NotificationPayloads.Webhook(pending, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, sink.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("StackGres.Ops", null));
        if (sink.Type == NotificationSinkType.Webhook)
        {
            request.Headers.Add(WebhookSignature.EventIdHeader, pending.Event.Id.ToString());
            request.Headers.Add(WebhookSignature.EventHeader, pending.Event.Type);
            request.Headers.Add(WebhookSignature.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(sink.Secret!, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"the sink answered HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {options.Value.RequestTimeout}";
        }
        catch (HttpRequestException e)
        {
            // Not e.Message: it may name the host and port.
            return $"the request failed ({e.HttpRequestError})";
        }
    }

    public void Dispose() => http.Dispose();
}
