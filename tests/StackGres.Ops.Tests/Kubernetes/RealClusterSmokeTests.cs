using k8s;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>Against a real cluster, only when OPS_TEST_KUBECONFIG names a kubeconfig: the worker's Role lets it list and watch Jobs.</summary>
public sealed class RealClusterSmokeTests
{
    [Fact]
    public async Task RealCluster_AnswersJobAndPodListsInNamespace()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("OPS_TEST_KUBECONFIG");
        Assert.SkipWhen(string.IsNullOrEmpty(kubeconfig), "OPS_TEST_KUBECONFIG is not set: no real Kubernetes cluster to smoke-test against.");
        var ct = TestContext.Current.CancellationToken;
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        using var client = new k8s.Kubernetes(configuration);
        var ns = configuration.Namespace ?? "default";

        var jobs = await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: "app.kubernetes.io/managed-by=stackgres-ops", cancellationToken: ct);
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app.kubernetes.io/component=job-runner", cancellationToken: ct);

        Assert.NotNull(jobs.Metadata.ResourceVersion);
        Assert.NotNull(pods.Items);
    }
}
