using k8s;
using k8s.Models;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>Every manifest under deploy/ loads with KubernetesClient's typed loader, so a typo fails here.</summary>
public sealed class DeployManifestTests
{
    /// <summary>kustomize's own files: the kustomizations and the transformer configuration.</summary>
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomizeconfig.yaml"];

    /// <summary>The Prometheus Operator's kinds, which KubernetesClient does not know; PrometheusRuleTests checks the rules.</summary>
    private const string MonitoringDirectory = "monitoring";

    [Fact]
    public void Manifests_LoadAsTypedObjects()
    {
        var files = Directory.GetFiles(DeployDirectory(), "*.yaml", SearchOption.AllDirectories)
            .Where(f => !KustomizationFiles.Contains(Path.GetFileName(f)))
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != MonitoringDirectory).ToList();

        Assert.True(files.Count >= 8, string.Join(", ", files));
        foreach (var file in files)
        {
            var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            Assert.True(objects.Count > 0, file);
            Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        }
    }

    [Fact]
    public void Role_GrantsOnlyWhatTheWorkerNeeds()
    {
        var role = Assert.IsType<V1Role>(Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(DeployDirectory(), "base", "role.yaml")), strict: true)));

        var grants = role.Rules.SelectMany(r => r.Resources.SelectMany(resource => r.Verbs.Select(v => $"{r.ApiGroups.Single()}/{resource}:{v}")))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            ["/pods/log:get", "/pods:get", "/pods:list", "/pods:watch",
             "batch/jobs:create", "batch/jobs:delete", "batch/jobs:get", "batch/jobs:list", "batch/jobs:watch"],
            grants);
    }

    [Fact]
    public void Deployment_IsNonRootReadOnly_WithProbesAndTokenFromSecret()
    {
        var deployment = Assert.IsType<V1Deployment>(Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(DeployDirectory(), "base", "deployment.yaml")), strict: true)));
        var pod = deployment.Spec.Template.Spec;
        var worker = Assert.Single(pod.Containers);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(worker.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("/healthz", worker.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", worker.ReadinessProbe.HttpGet.Path);
        Assert.NotNull(Assert.Single(worker.Env, e => e.Name == "OPS_API_TOKEN").ValueFrom.SecretKeyRef);
        Assert.NotNull(Assert.Single(worker.Env, e => e.Name == "ConnectionStrings__Ops").ValueFrom.SecretKeyRef);
        Assert.NotNull(worker.Resources.Limits);
    }

    internal static string DeployDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy");
            if (Directory.Exists(Path.Combine(candidate, "base")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("deploy/ not found above the test output folder.");
    }
}
