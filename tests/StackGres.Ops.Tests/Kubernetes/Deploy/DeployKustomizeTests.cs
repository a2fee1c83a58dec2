using k8s.Models;
using StackGres.Ops.Worker.Configuration;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.Deploy;

/// <summary>
/// Every kustomization under deploy/, rendered by <c>kubectl kustomize</c>, gives a worker that can do its work: a
/// Role bound to its ServiceAccount wherever it creates Jobs, only Secrets the comments tell the user about, the
/// images the kustomization names, and a locked-down pod.
/// </summary>
public sealed class DeployKustomizeTests
{
    private const string RunnerImageVariable = "Ops__Executor__Kubernetes__Image";

    /// <summary>What the executor calls: create, read back on 409, list and watch, delete the Job; list and watch its pod; read its log.</summary>
    private static readonly HashSet<string> Needed =
        ["batch/jobs:create", "batch/jobs:get", "batch/jobs:list", "batch/jobs:watch", "batch/jobs:delete", "/pods:list", "/pods:watch", "/pods/log:get"];

    private static readonly HashSet<string> Allowed = [.. Needed, "/pods:get"];

    public static TheoryData<string> Kustomizations() => new(Kustomize.Kustomizations());

    [Fact]
    public void Kustomizations_AreFoundUnderDeploy()
    {
        Assert.Contains("base", Kustomize.Kustomizations());
        Assert.Contains("overlays/example", Kustomize.Kustomizations());
    }

    [Fact]
    public void Monitoring_RendersTheServiceMonitorAndThePrometheusRule_WithoutWarnings()
    {
        var (output, warnings) = Kustomize.Render(Kustomize.Monitoring);

        Assert.Equal(string.Empty, warnings);
        Assert.Contains("kind: ServiceMonitor", output, StringComparison.Ordinal);
        Assert.Contains("kind: PrometheusRule", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_GivesNoWarnings(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);

        Assert.True(deploy.Warnings.Length == 0, $"kubectl kustomize deploy/{kustomization} warns: {deploy.Warnings}");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_BindsRoleToWorkerAccount_InEveryJobNamespace(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);
        var account = deploy.Deployment.Spec.Template.Spec.ServiceAccountName;

        Assert.Equal(nameof(ExecutorKind.Kubernetes), deploy.Configuration[$"{ExecutorOptions.SectionName}:Kind"]);
        Assert.Contains(deploy.Of<V1ServiceAccount>(deploy.Namespace), a => a.Metadata.Name == account);
        Assert.Contains(deploy.DefaultJobNamespace, deploy.JobNamespaces);
        foreach (var ns in deploy.JobNamespaces)
        {
            var bindings = deploy.Of<V1RoleBinding>(ns).Where(b => b.RoleRef.Kind == "Role" &&
                (b.Subjects ?? []).Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == deploy.Namespace)).ToList();
            Assert.True(bindings.Count > 0, $"deploy/{kustomization}: no RoleBinding in namespace {ns} binds ServiceAccount {deploy.Namespace}/{account}; creating Jobs there is forbidden.");
            var grants = bindings.SelectMany(binding =>
            {
                var role = deploy.Of<V1Role>(ns).SingleOrDefault(r => r.Metadata.Name == binding.RoleRef.Name);
                Assert.True(role is not null, $"deploy/{kustomization}: RoleBinding {ns}/{binding.Metadata.Name} names Role {binding.RoleRef.Name}, which is not there.");
                return Grants(role);
            }).ToHashSet(StringComparer.Ordinal);

            var missing = Needed.Except(grants).Order(StringComparer.Ordinal).ToList();
            var extra = grants.Except(Allowed).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"deploy/{kustomization}: the worker's Role in {ns} lacks {string.Join(", ", missing)}.");
            Assert.True(extra.Count == 0, $"deploy/{kustomization}: the worker's Role in {ns} grants more than it uses: {string.Join(", ", extra)}.");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_GivesTheJobsServiceAccount_OnlyTheRightsToReplacePods_InEveryJobNamespace(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);
        var account = deploy.Configuration[$"{KubernetesExecutorOptions.SectionName}:{nameof(KubernetesExecutorOptions.ServiceAccountName)}"];
        if (string.IsNullOrEmpty(account))
        {
            // The Jobs run as their namespace's "default" account, which can replace no pods: pod replacement then fails with 403.
            return;
        }

        foreach (var ns in deploy.JobNamespaces)
        {
            Assert.True(deploy.Of<V1ServiceAccount>(ns).Any(a => a.Metadata.Name == account),
                $"deploy/{kustomization}: the Jobs run as ServiceAccount {account}, which namespace {ns} does not have; their pods would never be created.");
            var grants = deploy.Of<V1RoleBinding>(ns)
                .Where(b => (b.Subjects ?? []).Any(s => s.Kind == "ServiceAccount" && s.Name == account && (s.NamespaceProperty ?? ns) == ns))
                .SelectMany(b => Grants(Assert.Single(deploy.Of<V1Role>(ns), r => r.Metadata.Name == b.RoleRef.Name)))
                .ToHashSet(StringComparer.Ordinal);
            Assert.Equal(["/pods:delete", "/pods:get", "apps/statefulsets:get", "apps/statefulsets:update"], grants.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_ReadsOnlySecretsTheCommentsTellToCreate(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);
        var documented = DocumentedSecret.In(deploy.KustomizationFiles);

        foreach (var (ns, name, key, reader) in SecretReads(deploy))
        {
            Assert.True(documented.Any(d => d.Namespace == ns && d.Name == name && (key is null || d.Keys.Contains(key))),
                $"deploy/{kustomization}: {reader} reads Secret {ns}/{name}{(key is null ? string.Empty : $" (key {key})")}, which no comment of " +
                $"{string.Join(", ", deploy.KustomizationFiles.Select(f => Path.GetRelativePath(Kustomize.DeployDirectory(), f)))} tells to create " +
                $"(kubectl -n {ns} create secret generic {name} --from-literal={key ?? "KEY"}=...) or says who creates ({ns}/{name} (key {key ?? "KEY"}): created by ...).");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_NamesTheKustomizationsImages_ForWorkerAndRunner(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);
        var runner = deploy.Configuration[$"{KubernetesExecutorOptions.SectionName}:{nameof(KubernetesExecutorOptions.Image)}"];
        var worker = deploy.Worker.Image;

        Assert.False(string.IsNullOrWhiteSpace(runner), $"deploy/{kustomization}: no job-runner image ({KubernetesExecutorOptions.SectionName}:Image).");
        Assert.True(deploy.Worker.Env?.Any(e => e.Name == RunnerImageVariable && e.Value == runner) == true,
            $"deploy/{kustomization}: the job-runner image must come from the worker's {RunnerImageVariable} variable, where `images:` rewrites it; it is {runner}.");
        Assert.NotEqual(ImageOverride.Repository(worker), ImageOverride.Repository(runner));
        Assert.All([worker, runner], image => Assert.True(IsPinned(image), $"deploy/{kustomization}: image {image} is not pinned by tag or digest."));

        var overrides = ImageOverride.In(deploy.KustomizationFiles[0]);
        if (overrides.Count > 0)
        {
            var expected = overrides.Select(o => o.Expected).OfType<string>().ToList();
            Assert.True(expected.Contains(worker), $"deploy/{kustomization}: the worker runs {worker}, none of its images: {string.Join(", ", expected)}.");
            Assert.True(expected.Contains(runner), $"deploy/{kustomization}: the Jobs would run {runner}, none of its images: {string.Join(", ", expected)}.");
            var references = deploy.Of<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers.Concat(d.Spec.Template.Spec.InitContainers ?? []))
                .Select(c => c.Image).Append(runner).ToList();
            foreach (var renamed in overrides.Where(o => o.NewName is not null && o.NewName != o.Name))
            {
                Assert.DoesNotContain(references, r => ImageOverride.Repository(r) == renamed.Name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_RunsWorkerNonRoot_OnReadOnlyRootFilesystem(string kustomization)
    {
        var deploy = RenderedDeploy.Render(kustomization);
        var pod = deploy.Deployment.Spec.Template.Spec;

        Assert.True(pod.SecurityContext?.RunAsNonRoot);
        Assert.True(deploy.Worker.SecurityContext?.ReadOnlyRootFilesystem);
        Assert.False(deploy.Worker.SecurityContext?.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], deploy.Worker.SecurityContext?.Capabilities?.Drop ?? []);
        var tmp = Assert.Single(deploy.Worker.VolumeMounts ?? [], m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes ?? [], v => v.Name == tmp.Name).EmptyDir);
    }

    /// <summary>Each Secret key read by the worker pod or by the Jobs it creates: where, which, and who reads it.</summary>
    private static IEnumerable<(string Namespace, string Name, string? Key, string Reader)> SecretReads(RenderedDeploy deploy)
    {
        foreach (var volume in deploy.Deployment.Spec.Template.Spec.Volumes ?? [])
        {
            if (volume.Secret is { } secret)
            {
                yield return (deploy.Namespace, secret.SecretName, null, $"the worker's volume {volume.Name}");
            }
        }

        foreach (var variable in deploy.Worker.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } reference)
            {
                yield return (deploy.Namespace, reference.Name, reference.Key, $"the worker's variable {variable.Name}");
            }
        }

        foreach (var source in deploy.Worker.EnvFrom ?? [])
        {
            if (source.SecretRef is { } reference)
            {
                yield return (deploy.Namespace, reference.Name, null, "the worker's environment");
            }
        }

        foreach (var (name, cluster) in deploy.Clusters)
        {
            var secret = cluster.PasswordSecret;
            Assert.True(secret is not null, $"deploy/{deploy.Kustomization}: cluster {name} has no passwordSecret; the Kubernetes executor refuses to run its Jobs.");
            yield return (cluster.Namespace ?? deploy.DefaultJobNamespace, secret.Name, secret.Key, $"the Jobs of cluster {name}");

            if (cluster.PasswordFile is { } file)
            {
                var mounted = deploy.MountedKey(file);
                Assert.True(mounted is ({ Secret: not null }, _), $"deploy/{deploy.Kustomization}: cluster {name}'s passwordFile {file} is not a key of a Secret mounted in the worker.");
                yield return (deploy.Namespace, mounted.Value.Volume.Secret.SecretName, mounted.Value.Key, $"the worker, for cluster {name}'s passwordFile");
            }
            else if (cluster.PasswordEnv is { } variable)
            {
                var reference = deploy.Worker.Env?.SingleOrDefault(e => e.Name == variable)?.ValueFrom?.SecretKeyRef;
                Assert.True(reference is not null, $"deploy/{deploy.Kustomization}: cluster {name}'s passwordEnv {variable} is not a secretKeyRef of the worker.");
                yield return (deploy.Namespace, reference.Name, reference.Key, $"the worker, for cluster {name}'s passwordEnv");
            }
            else
            {
                Assert.Fail($"deploy/{deploy.Kustomization}: cluster {name} has neither passwordFile nor passwordEnv; the worker cannot check requests against it.");
            }
        }
    }

    private static IEnumerable<string> Grants(V1Role role) =>
        (role.Rules ?? []).SelectMany(rule => (rule.ApiGroups ?? [""]).SelectMany(group =>
            (rule.Resources ?? []).SelectMany(resource => rule.Verbs.Select(verb => $"{group}/{resource}:{verb}"))));

    private static bool IsPinned(string image) =>
        image.Contains("@sha256:", StringComparison.Ordinal) ||
        (ImageOverride.Repository(image) != image && !image.EndsWith(":latest", StringComparison.Ordinal));
}
