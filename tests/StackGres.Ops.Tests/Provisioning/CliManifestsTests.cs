using System.Text.Json;
using k8s;
using k8s.Models;
using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary><c>sgops clusters manifests NAME</c>: the worker's rendering of a cluster spec, printed for kubectl.</summary>
public sealed class CliManifestsTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task Manifests_PrintsTheYamlDocuments_ThatKubectlApplies()
    {
        var result = await cli.RunAsync("clusters", "manifests", CliWorkerFixture.Cluster);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        var objects = KubernetesYaml.LoadAllFromString(result.Out, strict: true);
        Assert.Equal(9, objects.Count);
        var set = Assert.IsType<V1StatefulSet>(objects[^1]);
        Assert.Equal((CliWorkerFixture.Cluster, CliWorkerFixture.SpecNamespace, 3), (set.Metadata.Name, set.Metadata.NamespaceProperty, set.Spec.Replicas));
    }

    [Fact]
    public async Task Manifests_Json_PrintsAV1List()
    {
        var result = await cli.RunAsync("clusters", "manifests", CliWorkerFixture.Cluster, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var list = JsonDocument.Parse(result.Out);
        Assert.Equal("List", list.RootElement.GetProperty("kind").GetString());
        Assert.Equal("StatefulSet", list.RootElement.GetProperty("items")[8].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Manifests_ExitsWith2_ForAnUnknownSpec()
    {
        var result = await cli.RunAsync("clusters", "manifests", "nowhere");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("There is no cluster spec 'nowhere'. Known specs: demo.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ExitsWith2_AndSaysWhy_WhenTheWorkerHasNoKubernetesConnection()
    {
        var result = await cli.RunAsync("clusters", "apply", CliWorkerFixture.Cluster, "--dry-run");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("Kubernetes", result.Error, StringComparison.Ordinal);
    }
}
