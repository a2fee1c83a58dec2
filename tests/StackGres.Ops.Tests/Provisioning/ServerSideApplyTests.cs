using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary><see cref="ServerSideApplier"/> through the real KubernetesClient, against the stand-in API server.</summary>
public sealed class ServerSideApplyTests : IAsyncLifetime
{
    private KubernetesStandIn standIn = null!;
    private string directory = null!;
    private IKubernetes client = null!;

    public async ValueTask InitializeAsync()
    {
        standIn = await KubernetesStandIn.StartAsync();
        directory = Directory.CreateTempSubdirectory("sgops-apply-").FullName;
        client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(standIn.WriteKubeconfig(directory, "default")));
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await standIn.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Apply_CreatesEveryObject_AsApplyPatchesOfTheFieldManager_ReadableThroughTheClient()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = Specs.Blueprint(spec => spec.Pooling.Enabled = true);
        var manifests = ClusterRenderer.Render(cluster);

        var result = await new ServerSideApplier(client).ApplyAsync(cluster, manifests, dryRun: false, ct);

        Assert.Equal(("orders", "databases", "stackgres-ops", false), (result.Cluster, result.Namespace, result.FieldManager, result.DryRun));
        Assert.Equal(manifests.All.Select(o => (o.Kind, o.Metadata.Name)), result.Objects.Select(o => (o.Kind, o.Name)));
        Assert.All(result.Objects, o => Assert.False(string.IsNullOrEmpty(o.ResourceVersion)));
        // Every object first as a dry run, then for real; all forced, all by stackgres-ops.
        Assert.Equal(18, standIn.Applies.Count);
        Assert.All(standIn.Applies, a => Assert.Contains("fieldManager=stackgres-ops force=true", a, StringComparison.Ordinal));
        Assert.All(standIn.Applies.Take(9), a => Assert.EndsWith("dryRun=True", a, StringComparison.Ordinal));
        Assert.Contains(standIn.Requests, r => r.StartsWith("PATCH /apis/apps/v1/namespaces/databases/statefulsets/orders?", StringComparison.Ordinal));

        var set = await client.AppsV1.ReadNamespacedStatefulSetAsync("orders", "databases", cancellationToken: ct);
        Assert.Equal(KubernetesJson.Serialize(manifests.StatefulSet.Spec), KubernetesJson.Serialize(set.Spec));
        Assert.Equal("stackgres-ops", Assert.Single(set.Metadata.ManagedFields).Manager);
        var primary = await client.CoreV1.ReadNamespacedServiceAsync("orders-primary", "databases", cancellationToken: ct);
        Assert.Equal("primary", primary.Spec.Selector["role"]);
        var conf = await client.CoreV1.ReadNamespacedConfigMapAsync("orders-postgres-conf", "databases", cancellationToken: ct);
        Assert.Equal(manifests.ConfigMap.Data, conf.Data);
        var budget = await client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("orders", "databases", cancellationToken: ct);
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        var binding = await client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("orders-patroni", "databases", cancellationToken: ct);
        Assert.Equal("orders-patroni", binding.RoleRef.Name);
        var services = await client.CoreV1.ListNamespacedServiceAsync("databases", labelSelector: "ops.stackgres.io/cluster=orders", cancellationToken: ct);
        Assert.Equal(["orders-pods", "orders-primary", "orders-replicas"], services.Items.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Apply_Twice_ChangesNothing_AndAChangedSpecChangesOnlyWhatItRenders()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = Specs.Blueprint();
        var applier = new ServerSideApplier(client);
        var first = await applier.ApplyAsync(cluster, ClusterRenderer.Render(cluster), dryRun: false, ct);
        var version = standIn.Store.Version;

        var second = await applier.ApplyAsync(cluster, ClusterRenderer.Render(cluster), dryRun: false, ct);

        Assert.Equal(first.Objects, second.Objects);
        Assert.Equal(version, standIn.Store.Version);

        var scaled = Specs.Blueprint(spec => spec.Instances = 5);
        var third = await applier.ApplyAsync(scaled, ClusterRenderer.Render(scaled), dryRun: false, ct);

        var changed = third.Objects.Zip(second.Objects).Where(pair => pair.First.ResourceVersion != pair.Second.ResourceVersion).Select(pair => pair.First.Kind);
        // Five instances: the StatefulSet, and the ConfigMap (max_wal_senders and slots stay 10: no change there either).
        Assert.Equal(["StatefulSet"], changed);
        var set = await client.AppsV1.ReadNamespacedStatefulSetAsync("orders", "databases", cancellationToken: ct);
        Assert.Equal(5, set.Spec.Replicas);
        Assert.Equal(2, set.Metadata.Generation);
    }

    [Fact]
    public async Task DryRun_StoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = Specs.Blueprint();

        var result = await new ServerSideApplier(client).ApplyAsync(cluster, ClusterRenderer.Render(cluster), dryRun: true, ct);

        Assert.True(result.DryRun);
        Assert.All(result.Objects, o => Assert.Null(o.ResourceVersion));
        Assert.Equal(9, standIn.Applies.Count);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReadNamespacedStatefulSetAsync("orders", "databases", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task StandIn_RefusesOtherPatches_AndApplyWithoutAFieldManager()
    {
        var ct = TestContext.Current.CancellationToken;
        var map = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "x" } };

        var merge = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(map, V1Patch.PatchType.MergePatch), "x", "default", fieldManager: "m", cancellationToken: ct));
        var anonymous = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(map, V1Patch.PatchType.ApplyPatch), "x", "default", cancellationToken: ct));
        var renamed = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(map, V1Patch.PatchType.ApplyPatch), "y", "default", fieldManager: "m", cancellationToken: ct));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, merge.Response.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, anonymous.Response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, renamed.Response.StatusCode);
        Assert.Empty(standIn.Store.List<V1ConfigMap>("configmaps", "default"));
    }

    [Fact]
    public async Task StandIn_AcceptsYamlBodies_AsKubectlSendsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(standIn.Url) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", standIn.Token);
        using var body = new StringContent("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: \"1\"\n");
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(KubernetesStandIn.ApplyContentType);

        using var response = await http.PatchAsync("/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=kubectl&force=true", body, ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await client.CoreV1.ReadNamespacedConfigMapAsync("from-yaml", "default", cancellationToken: ct);
        Assert.Equal("1", stored.Data["a"]);
        Assert.Equal("kubectl", Assert.Single(stored.Metadata.ManagedFields).Manager);
    }

    [Fact]
    public async Task Apply_Refused_SaysWhichObjectAndWhy_AndAppliesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = Specs.Blueprint();
        var manifests = ClusterRenderer.Render(cluster);
        manifests.StatefulSet.Kind = "Deployment";

        var refused = await Assert.ThrowsAsync<ApplyRefusedException>(() => new ServerSideApplier(client).ApplyAsync(cluster, manifests, dryRun: false, ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("Kubernetes refused to apply Deployment databases/orders (HTTP 400): the body is not a apps/v1 StatefulSet", refused.Message);
        Assert.Empty(standIn.Store.List<V1ServiceAccount>("serviceaccounts", "databases"));
    }
}
