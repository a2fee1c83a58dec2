using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Kubernetes;

/// <summary>
/// The Kubernetes API as a pod reaches it: <c>https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT</c>, the
/// ServiceAccount's token (read again at every call: projected tokens rotate) and its CA. Objects are read and written
/// as JSON documents, so every field this runner does not know survives a read-modify-write.
/// </summary>
/// <remarks>
/// A few REST calls by hand rather than the KubernetesClient package: the runner is published as Native AOT and the
/// package's AOT flavour defines the same types as the one the worker uses, which the tests reference together.
/// </remarks>
public sealed class InClusterKubernetesApi : IDisposable
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";
    private const string HostVariable = "KUBERNETES_SERVICE_HOST";
    private const string PortVariable = "KUBERNETES_SERVICE_PORT";
    private readonly HttpClient http;
    private readonly string tokenFile;

    private InClusterKubernetesApi(Uri server, string directory, X509Certificate2Collection authorities, TimeSpan requestTimeout)
    {
        tokenFile = Path.Combine(directory, "token");
        Namespace = File.ReadAllText(Path.Combine(directory, "namespace")).Trim();
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, authorities),
            },
        };
        http = new HttpClient(handler) { BaseAddress = server, Timeout = requestTimeout };
    }

    /// <summary>The namespace of the runner's own pod.</summary>
    public string Namespace { get; }

    /// <summary>The API of the cluster the runner's pod runs in; fails with what is missing when it runs outside one.</summary>
    public static InClusterKubernetesApi Connect(TimeSpan requestTimeout, string directory = ServiceAccountDirectory)
    {
        var host = Environment.GetEnvironmentVariable(HostVariable);
        var port = Environment.GetEnvironmentVariable(PortVariable);
        var missing = new List<string>();
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            missing.Add($"${HostVariable} and ${PortVariable} are not set");
        }

        missing.AddRange(new[] { "token", "ca.crt", "namespace" }.Where(file => !File.Exists(Path.Combine(directory, file)))
            .Select(file => $"{Path.Combine(directory, file)} does not exist"));
        if (missing.Count > 0)
        {
            throw new OperationFailedException(
                $"Replacing pods needs the Kubernetes API as a pod sees it, and {string.Join("; ", missing)}. Run it with the Kubernetes executor " +
                "(Ops:Executor:Kind = Kubernetes), whose Job mounts its ServiceAccount's token for such runs.");
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Path.Combine(directory, "ca.crt"));
        var authority = host!.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        return new InClusterKubernetesApi(new Uri($"https://{authority}/"), directory, authorities, requestTimeout);
    }

    /// <summary>GET: the object, or null when it does not exist.</summary>
    public async Task<JsonObject?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, body: null);
        return await SendAsync(request, allowNotFound: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUT (replace): the stored object; throws <see cref="KubernetesConflictException"/> when its resourceVersion moved on.</summary>
    public async Task<JsonObject> ReplaceAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, path, body);
        return (await SendAsync(request, allowNotFound: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>DELETE, only while the object still has <paramref name="uid"/>: false when it is already gone.</summary>
    public async Task<bool> DeleteAsync(string path, string uid, CancellationToken cancellationToken)
    {
        var options = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "DeleteOptions",
            ["preconditions"] = new JsonObject { ["uid"] = uid },
        };
        using var request = Request(HttpMethod.Delete, path, options);
        return await SendAsync(request, allowNotFound: true, cancellationToken).ConfigureAwait(false) is not null;
    }

    public void Dispose() => http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(tokenFile).Trim());
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<JsonObject?> SendAsync(HttpRequestMessage request, bool allowNotFound, CancellationToken cancellationToken)
    {
        var what = $"{request.Method} {request.RequestUri}";
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new OperationFailedException($"The Kubernetes API did not answer {what}: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && allowNotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                var message = StatusMessage(text);
                throw response.StatusCode switch
                {
                    HttpStatusCode.Conflict => new KubernetesConflictException($"{what}: {message}"),
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new OperationFailedException(
                        $"The Kubernetes API refused {what} ({(int)response.StatusCode}: {message}). The Job's ServiceAccount " +
                        "(Ops:Executor:Kubernetes:ServiceAccountName) needs get and update on statefulsets, get and delete on pods."),
                    _ => new OperationFailedException($"The Kubernetes API answered {what} with {(int)response.StatusCode}: {message}"),
                };
            }

            return JsonNode.Parse(text) as JsonObject ?? throw new OperationFailedException($"The Kubernetes API answered {what} with no object.");
        }
    }

    /// <summary>A Status object's message, or the start of whatever else came back.</summary>
    private static string StatusMessage(string text)
    {
        try
        {
            if (JsonNode.Parse(text)?["message"] is JsonValue message && message.TryGetValue<string>(out var value))
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }

        return text.Length > 300 ? text[..300] + "…" : text;
    }

    /// <summary>The server's certificate chains to the ServiceAccount's CA and names the host it was reached by.</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is X509Certificate2 server && chain.Build(server);
    }
}

/// <summary>The object changed since it was read (HTTP 409): read it again and retry.</summary>
public sealed class KubernetesConflictException(string message) : Exception(message);
