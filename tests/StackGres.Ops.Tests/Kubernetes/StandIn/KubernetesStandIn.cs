using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// A Kubernetes API server for tests, on a loopback port: the REST paths and JSON that
/// KubernetesClient uses for batch/v1 jobs, v1 pods (with logs) and v1 secrets — create, get,
/// list with selectors, watch (JSON lines), delete — with a kubelet that runs pods in podman;
/// server-side apply of the objects a cluster is made of (<c>KubernetesStandIn.Apply.cs</c>); and
/// apps/v1 StatefulSets with their controller (<c>KubernetesStandIn.StatefulSets.cs</c>).
/// </summary>
public sealed partial class KubernetesStandIn : IAsyncDisposable
{
    private const string JobsPath = "/apis/batch/v1/namespaces/{ns}/jobs";
    private const string PodsPath = "/api/v1/namespaces/{ns}/pods";
    private const string SecretsPath = "/api/v1/namespaces/{ns}/secrets";

    private readonly WebApplication app;
    private readonly StandInKubelet kubelet;
    private int jobsCreated;
    private int gonePending;

    private KubernetesStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // HTTP for the worker (its kubeconfig), HTTPS for pods, which reach the API server as in a cluster.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(ServiceAccounts.Certificate));
        });
        builder.Logging.ClearProviders();
        app = builder.Build();
        kubelet = new StandInKubelet(Store);
        kubelet.ServiceAccounts = ServiceAccounts;
        StatefulSets = new StandInStatefulSets(Store);
        Map();
    }

    public StandInStore Store { get; } = new();

    /// <summary>The pods' view of the API server: its HTTPS address, CA and ServiceAccount tokens.</summary>
    public StandInServiceAccounts ServiceAccounts { get; } = new();

    /// <summary>The bearer token the stand-in accepts.</summary>
    public string Token { get; } = Guid.NewGuid().ToString("N");

    public string Url { get; private set; } = string.Empty;

    /// <summary>Jobs created (409 answers not counted): one per run, whatever the retries.</summary>
    public int JobsCreated => Volatile.Read(ref jobsCreated);

    /// <summary>Every request received, "METHOD path?query", for the tests' checks.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>A stand-in whose pods podman runs from their images.</summary>
    public static async Task<KubernetesStandIn> StartAsync()
    {
        var standIn = new KubernetesStandIn();
        await standIn.app.StartAsync();
        var addresses = standIn.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        standIn.Url = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
        standIn.ServiceAccounts.HttpsPort = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal))).Port;
        return standIn;
    }

    /// <summary>The next <paramref name="count"/> watches from a version answer 410 Gone.</summary>
    public void ExpireNextWatches(int count) => Volatile.Write(ref gonePending, count);

    /// <summary>Writes a kubeconfig that points at the stand-in with its token.</summary>
    public string WriteKubeconfig(string directory, string defaultNamespace)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stand-in
              cluster:
                server: {Url}
            users:
            - name: worker
              user:
                token: {Token}
            contexts:
            - name: stand-in
              context:
                cluster: stand-in
                user: worker
                namespace: {defaultNamespace}
            current-context: stand-in
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await kubelet.DisposeAsync();
        await StatefulSets.DisposeAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            lock (Requests)
            {
                Requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            }

            var authorization = context.Request.Headers.Authorization.ToString();
            if (authorization != $"Bearer {Token}" &&
                !(authorization.StartsWith("Bearer ", StringComparison.Ordinal) && ServiceAccounts.AccountOf(authorization["Bearer ".Length..]) is not null))
            {
                await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
                return;
            }

            await next(context);
        });

        app.MapPost(SecretsPath, async (string ns, HttpContext context) =>
        {
            var secret = await ReadAsync<V1Secret>(context);
            secret.Metadata.NamespaceProperty = ns;
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
            {
                secret.Data[key] = Encoding.UTF8.GetBytes(value);
            }

            secret.StringData = null;
            await CreateAsync(context, StandInKubelet.SecretKind, secret);
        });
        app.MapGet(SecretsPath + "/{name}", (string ns, string name, HttpContext context) =>
            GetAsync<V1Secret>(context, StandInKubelet.SecretKind, ns, name));

        app.MapPost(JobsPath, async (string ns, HttpContext context) =>
        {
            var job = await ReadAsync<V1Job>(context);
            job.Metadata.NamespaceProperty = ns;
            job.Status = new V1JobStatus();
            if (await CreateAsync(context, StandInKubelet.JobKind, job))
            {
                Interlocked.Increment(ref jobsCreated);
                kubelet.Start(Store.Get<V1Job>(StandInKubelet.JobKind, ns, job.Metadata.Name)!);
            }
        });
        app.MapGet(JobsPath, (string ns, HttpContext context) => ListOrWatchAsync<V1Job>(context, StandInKubelet.JobKind, ns, "JobList", "batch/v1"));
        app.MapGet(JobsPath + "/{name}", (string ns, string name, HttpContext context) => GetAsync<V1Job>(context, StandInKubelet.JobKind, ns, name));
        app.MapGet(JobsPath + "/{name}/status", (string ns, string name, HttpContext context) => GetAsync<V1Job>(context, StandInKubelet.JobKind, ns, name));
        app.MapDelete(JobsPath + "/{name}", async (string ns, string name, HttpContext context) =>
        {
            if (Store.Get<V1Job>(StandInKubelet.JobKind, ns, name) is null)
            {
                await WriteStatusAsync(context, 404, "NotFound", $"jobs.batch \"{name}\" not found");
                return;
            }

            _ = kubelet.DeleteAsync(ns, name);
            await WriteStatusAsync(context, 200, null, null);
        });

        app.MapGet(PodsPath, (string ns, HttpContext context) => ListOrWatchAsync<V1Pod>(context, StandInKubelet.PodKind, ns, "PodList", "v1"));
        app.MapGet(PodsPath + "/{name}", (string ns, string name, HttpContext context) => GetAsync<V1Pod>(context, StandInKubelet.PodKind, ns, name));
        app.MapGet(PodsPath + "/{name}/log", LogAsync);
        MapApplied();
        MapStatefulSets();
    }

    private async Task<bool> CreateAsync<T>(HttpContext context, string kind, T item)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (!Store.TryAdd(kind, item))
        {
            await WriteStatusAsync(context, 409, "AlreadyExists", $"{kind} \"{item.Metadata.Name}\" already exists");
            return false;
        }

        await WriteJsonAsync(context, 201, KubernetesJson.Serialize(Store.Get<T>(kind, item.Metadata.NamespaceProperty, item.Metadata.Name)));
        return true;
    }

    private async Task GetAsync<T>(HttpContext context, string kind, string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (Store.Get<T>(kind, ns, name) is { } found)
        {
            await WriteJsonAsync(context, 200, KubernetesJson.Serialize(found));
            return;
        }

        await WriteStatusAsync(context, 404, "NotFound", $"{kind} \"{name}\" not found");
    }

    private async Task ListOrWatchAsync<T>(HttpContext context, string kind, string ns, string listKind, string apiVersion)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var selector = StandInSelector.Parse(context.Request.Query["labelSelector"], context.Request.Query["fieldSelector"]);
        if (context.Request.Query["watch"] != "true")
        {
            var version = Store.Version;
            var items = Store.List<T>(kind, ns).Where(item => selector.Matches(item)).Select(item => KubernetesJson.Serialize(item));
            await WriteJsonAsync(context, 200,
                $$"""{"kind":"{{listKind}}","apiVersion":"{{apiVersion}}","metadata":{"resourceVersion":"{{version}}"},"items":[{{string.Join(",", items)}}]}""");
            return;
        }

        var from = context.Request.Query["resourceVersion"].ToString();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        if (Store.IsCompacted(from) || Interlocked.Decrement(ref gonePending) >= 0)
        {
            await WriteLineAsync(context,
                """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version","reason":"Expired","code":410}}""");
            return;
        }

        var seconds = int.TryParse(context.Request.Query["timeoutSeconds"], CultureInfo.InvariantCulture, out var timeout) ? timeout : 300;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        ends.CancelAfter(TimeSpan.FromSeconds(seconds));
        var after = long.TryParse(from, CultureInfo.InvariantCulture, out var version0) ? version0 : long.Parse(Store.Version, CultureInfo.InvariantCulture);
        try
        {
            while (!ends.IsCancellationRequested)
            {
                var next = Store.NextChange;
                foreach (var change in Store.EventsAfter(kind, ns, after))
                {
                    after = change.Version;
                    if (selector.Matches(change.Object))
                    {
                        await WriteLineAsync(context, $$"""{"type":"{{change.Type}}","object":{{KubernetesJson.Serialize(change.Object)}}}""");
                    }
                }

                await next.WaitAsync(ends.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LogAsync(string ns, string name, HttpContext context)
    {
        var container = kubelet.Container(ns, name);
        if (container is null)
        {
            var waiting = Store.Get<V1Pod>(StandInKubelet.PodKind, ns, name)?.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason ?? "ContainerCreating";
            await WriteStatusAsync(context, 400, "BadRequest", $"container \"runner\" in pod \"{name}\" is waiting to start: {waiting}");
            return;
        }

        var follow = context.Request.Query["follow"] == "true";
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var sent = 0;
        try
        {
            while (true)
            {
                var (lines, more) = container.Read(sent);
                foreach (var line in lines)
                {
                    await WriteLineAsync(context, line);
                }

                sent += lines.Count;
                if (!follow || (container.Exited.IsCompleted && container.Read(sent).Lines.Count == 0))
                {
                    return;
                }

                await more.WaitAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<T> ReadAsync<T>(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return KubernetesJson.Deserialize<T>(await reader.ReadToEndAsync(context.RequestAborted));
    }

    private static async Task WriteLineAsync(HttpContext context, string line)
    {
        await context.Response.WriteAsync(line + "\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static Task WriteStatusAsync(HttpContext context, int code, string? reason, string? message) =>
        WriteJsonAsync(context, code, System.Text.Json.JsonSerializer.Serialize(new
        {
            kind = "Status",
            apiVersion = "v1",
            metadata = new { },
            status = code < 400 ? "Success" : "Failure",
            reason,
            message,
            code,
        }));
}
