using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace StackGres.Ops.Cli.Api;

/// <summary>
/// The worker's HTTP API as the CLI uses it. Every failure becomes a <see cref="CliException"/>
/// with its exit code: bad input (2) or a worker that cannot be used (5). Never shows the token.
/// </summary>
public sealed class OpsApiClient : IDisposable
{
    public const string TriggerHeader = "X-Ops-Trigger";
    public const string CliTrigger = "cli";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient http;

    public OpsApiClient(ApiSettings settings, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Url = settings.Url;
        http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        // Relative paths below resolve under the URL's path, so a worker behind a path prefix works too.
        http.BaseAddress = settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");
        http.Timeout = RequestTimeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("sgops", "1"));
    }

    public Uri Url { get; }

    public Task<JsonElement> GetOperationsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "api/v1/operations", null, cancellationToken);

    public Task<JsonElement> GetClustersAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "api/v1/clusters", null, cancellationToken);

    public Task<JsonElement> GetClusterAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "api/v1/clusters/" + Uri.EscapeDataString(name), null, cancellationToken);

    /// <summary>The cluster's Kubernetes objects as the worker renders them: YAML documents, or a JSON v1 List.</summary>
    public Task<string> GetManifestsAsync(string name, bool json, CancellationToken cancellationToken) =>
        SendForTextAsync(HttpMethod.Get, $"api/v1/clusters/{Uri.EscapeDataString(name)}/manifests", json ? "application/json" : "application/yaml", cancellationToken);

    /// <summary>POST /api/v1/clusters/{name}/apply: the worker applies the spec's objects (server-side apply).</summary>
    public Task<JsonElement> ApplyClusterAsync(string name, bool dryRun, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/clusters/{Uri.EscapeDataString(name)}/apply{(dryRun ? "?dryRun=true" : string.Empty)}", null, cancellationToken);

    public async Task<RunView> SubmitRunAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var content = JsonContent.Create(submission, options: CliJson.Options);
        try
        {
            return CliJson.Read<RunView>(await SendAsync(HttpMethod.Post, "api/v1/runs", content, cancellationToken, recordTrigger: true));
        }
        catch (CliException e) when (e.Status == HttpStatusCode.Conflict)
        {
            // The worker found nothing for the run to do (targets from findings, and no finding): like a skipped run.
            throw new CliException(ExitCodes.Skipped, e.Message) { Status = e.Status };
        }
    }

    /// <summary>A log-report run's report: the HTML page, or the JSON document.</summary>
    public Task<string> GetReportAsync(Guid id, bool html, CancellationToken cancellationToken) =>
        SendForTextAsync(HttpMethod.Get, $"api/v1/runs/{id}/report", html ? "text/html" : "application/json", cancellationToken);

    public Task<JsonElement> GetRunJsonAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/runs/{id}", null, cancellationToken);

    public async Task<RunView> GetRunAsync(Guid id, CancellationToken cancellationToken) =>
        CliJson.Read<RunView>(await GetRunJsonAsync(id, cancellationToken));

    public Task<JsonElement> ListRunsJsonAsync(RunFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new StringBuilder("api/v1/runs");
        var separator = '?';
        foreach (var (name, value) in new[]
                 {
                     ("cluster", filter.Cluster), ("status", filter.Status), ("operation", filter.Operation),
                     ("limit", filter.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 })
        {
            if (value is not null)
            {
                query.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        return SendAsync(HttpMethod.Get, query.ToString(), null, cancellationToken);
    }

    public async Task<IReadOnlyList<LogLineView>> GetLogsAsync(Guid id, long after, CancellationToken cancellationToken) =>
        CliJson.Read<LogLineView[]>(await SendAsync(HttpMethod.Get, $"api/v1/runs/{id}/logs?after={after}", null, cancellationToken));

    public async Task<RunView> CancelRunAsync(Guid id, CancellationToken cancellationToken) =>
        CliJson.Read<RunView>(await SendAsync(HttpMethod.Post, $"api/v1/runs/{id}/cancel", null, cancellationToken));

    public void Dispose() => http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken,
        bool recordTrigger = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (recordTrigger)
        {
            // The run is recorded as started from the CLI.
            request.Headers.Add(TriggerHeader, CliTrigger);
        }

        var body = await SendAsync(request, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.WorkerUnavailable,
                $"the answer of {Url} to {method} /{path} is not JSON; is --url pointing at the StackGres.Ops worker?");
        }
    }

    private async Task<string> SendForTextAsync(HttpMethod method, string path, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>The body of a successful answer; a failure becomes a <see cref="CliException"/>.</summary>
    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.WorkerUnavailable,
                $"cannot reach the worker at {Url} ({e.Message}). Is it running? Point --url (or OPS_URL) at it.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.WorkerUnavailable,
                $"the worker at {Url} did not answer within {RequestTimeout.TotalSeconds:F0} s.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var error = ApiErrors.From(response.StatusCode, body, Url);
                throw new CliException(error.ExitCode, error.Message) { Status = response.StatusCode };
            }

            return body;
        }
    }
}
