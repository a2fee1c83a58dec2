using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackGres.Ops.Tests.Kubernetes;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary><c>GET /api/v1/clusters/{name}/manifests</c> and <c>POST /api/v1/clusters/{name}/apply</c> on the real worker.</summary>
public sealed class ProvisioningApiTests(PostgresFixture fixture)
{
    private const string Spec = "orders";
    private const string Namespace = "shop";

    /// <summary>A spec standing alone (no inventory cluster of its name), with pooling and a parameter.</summary>
    private static WorkerFactory WithSpec(WorkerFactory worker) => worker
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Version", "16.4")
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Namespace", Namespace)
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Instances", "2")
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Resources:Requests:Memory", "4Gi")
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Pooling:Enabled", "true")
        .WithSetting($"Ops:ClusterSpecs:{Spec}:Parameters:log_min_duration_statement", "250ms");

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> SendAsync(WorkerFactory worker, HttpMethod method, string path,
        string? accept = null, string? token = null)
    {
        using var client = worker.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? worker.Token);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Manifests_AreYamlByDefault_JsonOnRequest_AndWhatTheRendererMakesOfTheConfiguration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithSpec(await WorkerFactory.CreateAsync(fixture, ct));

        var yaml = await SendAsync(worker, HttpMethod.Get, $"/api/v1/clusters/{Spec}/manifests");
        var json = await SendAsync(worker, HttpMethod.Get, $"/api/v1/clusters/{Spec}/manifests", accept: "application/json");
        var preferred = await SendAsync(worker, HttpMethod.Get, $"/api/v1/clusters/{Spec}/manifests", accept: "application/json;q=0.5, application/yaml");
        var html = await SendAsync(worker, HttpMethod.Get, $"/api/v1/clusters/{Spec}/manifests", accept: "text/html");

        Assert.Equal((HttpStatusCode.OK, "application/yaml"), (yaml.Status, yaml.ContentType));
        var bound = worker.Services.GetRequiredService<ClusterBlueprints>();
        Assert.True(bound.TryGet(Spec, out var blueprint));
        Assert.Equal(ManifestDocuments.Yaml(ClusterRenderer.Render(blueprint)), yaml.Body);
        var objects = KubernetesYaml.LoadAllFromString(yaml.Body, strict: true);
        var set = Assert.IsType<V1StatefulSet>(objects[^1]);
        Assert.Equal((Namespace, 2), (set.Metadata.NamespaceProperty, set.Spec.Replicas));
        Assert.Equal("quay.io/ongres/patroni:v3.2.0-pg16.4-build-6.29", set.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(["postgresql", "pgbouncer"], set.Spec.Template.Spec.Containers.Select(c => c.Name));
        var conf = Assert.IsType<V1ConfigMap>(objects[3]).Data["postgresql.conf"];
        Assert.Contains("\nlog_min_duration_statement = '250ms'\n", conf, StringComparison.Ordinal);
        Assert.Contains("\nshared_buffers = '1GB'\n", conf, StringComparison.Ordinal);

        Assert.Equal((HttpStatusCode.OK, "application/json"), (json.Status, json.ContentType));
        using var list = JsonDocument.Parse(json.Body);
        Assert.Equal(9, list.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal("application/yaml", preferred.ContentType);
        Assert.Equal(HttpStatusCode.NotAcceptable, html.Status);
        Assert.Contains("the Accept header allows neither", html.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_AndApply_Answer404_ForAClusterWithoutSpec_And401_WithoutToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithSpec(await WorkerFactory.CreateAsync(fixture, ct));

        var unknown = await SendAsync(worker, HttpMethod.Get, "/api/v1/clusters/nowhere/manifests");
        var inventoryOnly = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{WorkerFactory.ClusterName}/apply");
        using var anonymous = worker.CreateClient();
        using var noTokenGet = await anonymous.GetAsync($"/api/v1/clusters/{Spec}/manifests", ct);
        using var noTokenPost = await anonymous.PostAsync($"/api/v1/clusters/{Spec}/apply", null, ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains($"There is no cluster spec 'nowhere'. Known specs: {Spec}.", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, inventoryOnly.Status);
        Assert.Contains("Cluster 'demo' has no spec: describe it under Ops:ClusterSpecs:demo to render it.", inventoryOnly.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, noTokenGet.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noTokenPost.StatusCode);
    }

    [Fact]
    public async Task Apply_Answers409_WithoutKubernetes_403_ForTheReadOnlyToken_And400_ForABadDryRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var readOnly = WorkerFactory.NewToken();
        await using var worker = WithSpec(await WorkerFactory.CreateAsync(fixture, ct)).WithSetting("Ops:Api:ReadOnlyToken", readOnly);

        var local = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply");
        var viewer = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply", token: readOnly);
        var viewerReads = await SendAsync(worker, HttpMethod.Get, $"/api/v1/clusters/{Spec}/manifests", token: readOnly);
        var badDryRun = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply?dryRun=maybe");

        Assert.Equal(HttpStatusCode.Conflict, local.Status);
        Assert.Contains("The worker has no Kubernetes connection: set Ops:Executor:Kind to Kubernetes", local.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.Status);
        Assert.Equal(HttpStatusCode.OK, viewerReads.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badDryRun.Status);
        Assert.Contains("dryRun must be true or false (got 'maybe').", badDryRun.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ThroughTheKubernetesConnection_CreatesTheObjects_AndIsIdempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await using var worker = WithSpec(await bed.CreateWorkerAsync(fixture, ct));

        var dryRun = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply?dryRun=true");
        var first = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply");
        var second = await SendAsync(worker, HttpMethod.Post, $"/api/v1/clusters/{Spec}/apply");

        Assert.True(dryRun.Status == HttpStatusCode.OK, dryRun.Body);
        Assert.True(first.Status == HttpStatusCode.OK, first.Body);
        using var answer = JsonDocument.Parse(first.Body);
        Assert.Equal(Spec, answer.RootElement.GetProperty("cluster").GetString());
        Assert.Equal(Namespace, answer.RootElement.GetProperty("namespace").GetString());
        Assert.Equal("stackgres-ops", answer.RootElement.GetProperty("fieldManager").GetString());
        var objects = answer.RootElement.GetProperty("objects").EnumerateArray().ToArray();
        Assert.Equal(
            ["ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Service", "Service", "Service", "PodDisruptionBudget", "StatefulSet"],
            objects.Select(o => o.GetProperty("kind").GetString()));
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(o.GetProperty("resourceVersion").GetString())));
        Assert.Equal(JsonSerializer.Serialize(objects), JsonSerializer.Serialize(JsonDocument.Parse(second.Body).RootElement.GetProperty("objects")));

        var set = await bed.Client.AppsV1.ReadNamespacedStatefulSetAsync(Spec, Namespace, cancellationToken: ct);
        Assert.Equal(objects[^1].GetProperty("resourceVersion").GetString(), set.Metadata.ResourceVersion);
        Assert.Equal(2, set.Spec.Replicas);
        var replicas = await bed.Client.CoreV1.ReadNamespacedServiceAsync($"{Spec}-replicas", Namespace, cancellationToken: ct);
        Assert.Equal("replica", replicas.Spec.Selector["role"]);
        // The dry run stored nothing; the two applies were each a dry run then the real one.
        Assert.Equal(9 * 5, bed.StandIn.Applies.Count);
        Assert.Equal(9 * 3, bed.StandIn.Applies.Count(a => a.EndsWith("dryRun=True", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenApi_DocumentsBothCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithSpec(await WorkerFactory.CreateAsync(fixture, ct));

        var document = await SendAsync(worker, HttpMethod.Get, "/openapi/v1.json");

        using var json = JsonDocument.Parse(document.Body);
        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/clusters/{name}/manifests").TryGetProperty("get", out var get));
        Assert.True(get.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/yaml", out _));
        Assert.True(paths.GetProperty("/api/v1/clusters/{name}/apply").TryGetProperty("post", out _));
    }

    [Fact]
    public async Task Start_Fails_NamingEveryBadKeyOfASpec()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = WithSpec(await WorkerFactory.CreateAsync(fixture, ct))
            .WithSetting($"Ops:ClusterSpecs:{Spec}:Instances", "0")
            .WithSetting($"Ops:ClusterSpecs:{Spec}:Version", "11.22")
            .WithSetting($"Ops:ClusterSpecs:{Spec}:Resources:Limits:Memory", "1Gi")
            .WithSetting($"Ops:ClusterSpecs:{Spec}:Parameters:port", "6543");

        var exception = Record.Exception(() => worker.Services);

        var failures = Failures(exception);
        Assert.Contains($"Ops:ClusterSpecs:{Spec}:Instances must be between 1 and 16: one primary and up to 15 replicas (got 0).", failures);
        Assert.Contains($"Ops:ClusterSpecs:{Spec}:Version names PostgreSQL 11, an unknown major; known: 13, 14, 15, 16, 17 (got '11.22').", failures);
        Assert.Contains($"Ops:ClusterSpecs:{Spec}:Resources:Limits:Memory must not be less than Ops:ClusterSpecs:{Spec}:Resources:Requests:Memory (got 1Gi < 4Gi).", failures);
        Assert.Contains(failures, f => f.StartsWith($"Ops:ClusterSpecs:{Spec}:Parameters:port is set by the operator", StringComparison.Ordinal));
    }

    private static List<string> Failures(Exception? exception)
    {
        var failures = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OptionsValidationException validation)
            {
                failures.AddRange(validation.Failures);
            }
            else if (current is AggregateException aggregate)
            {
                failures.AddRange(aggregate.InnerExceptions.SelectMany(inner => Failures(inner)));
            }
        }

        Assert.True(failures.Count > 0, $"Expected an OptionsValidationException, got: {exception}");
        return failures;
    }
}
