using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using StackGres.Ops.Worker.Configuration;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace StackGres.Ops.Tests.Kubernetes.Deploy;

/// <summary>
/// One kustomization under deploy/, rendered, and read the way the worker would run it: its Deployment, the
/// configuration the worker would load (the image's appsettings.json, the mounted appsettings.Production.json,
/// the container's plain environment), the cluster inventory, and the namespaces its Jobs would be created in.
/// </summary>
public sealed class RenderedDeploy
{
    public const string WorkerContainer = "worker";
    private const string AppSettings = "/app/appsettings.Production.json";

    private RenderedDeploy(string kustomization)
    {
        Kustomization = kustomization;
        (var yaml, Warnings) = Kustomize.Render(kustomization);
        Objects = KubernetesYaml.LoadAllFromString(yaml, strict: true).Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        Deployment = Assert.Single(Of<V1Deployment>(), d => d.Spec.Template.Spec.Containers.Any(c => c.Name == WorkerContainer));
        Worker = Deployment.Spec.Template.Spec.Containers.Single(c => c.Name == WorkerContainer);
        Namespace = Deployment.Metadata.NamespaceProperty
                    ?? throw new InvalidOperationException($"deploy/{kustomization}: the worker Deployment has no namespace; its RoleBindings could name no subject namespace.");

        var appSettings = MountedText(AppSettings) ?? throw new InvalidOperationException($"deploy/{kustomization}: nothing mounts {AppSettings} from a ConfigMap.");
        var environment = (Worker.Env ?? []).Where(e => e.ValueFrom is null)
            .Select(e => new KeyValuePair<string, string?>(e.Name.Replace("__", ":", StringComparison.Ordinal), e.Value));
        Configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(appSettings)))
            .AddInMemoryCollection(environment)
            .Build();
        Clusters = ReadClusters();
        var executorNamespace = Configuration[$"{KubernetesExecutorOptions.SectionName}:{nameof(KubernetesExecutorOptions.Namespace)}"];
        DefaultJobNamespace = string.IsNullOrEmpty(executorNamespace) ? Namespace : executorNamespace;
        KustomizationFiles = IncludedKustomizations(Path.Combine(Kustomize.DeployDirectory(), kustomization)).ToList();
    }

    /// <summary>The folder under deploy/ ("overlays/example").</summary>
    public string Kustomization { get; }

    /// <summary>What kubectl wrote on stderr (kustomize's deprecation warnings, say).</summary>
    public string Warnings { get; }

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    public V1Deployment Deployment { get; }

    public V1Container Worker { get; }

    /// <summary>The worker's namespace, which is also its ServiceAccount's.</summary>
    public string Namespace { get; }

    public IConfiguration Configuration { get; }

    public IReadOnlyDictionary<string, ClusterDefinition> Clusters { get; }

    /// <summary>Where Jobs of a cluster without a namespace go: Ops:Executor:Kubernetes:Namespace, else the service account's.</summary>
    public string DefaultJobNamespace { get; }

    /// <summary>The namespaces the worker would create Jobs in.</summary>
    public IEnumerable<string> JobNamespaces =>
        Clusters.Values.Select(c => c.Namespace ?? DefaultJobNamespace).Append(DefaultJobNamespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>The kustomization.yaml files this one is built from: its own, then those of the folders it names as resources.</summary>
    public IReadOnlyList<string> KustomizationFiles { get; }

    public static RenderedDeploy Render(string kustomization) => new(kustomization);

    public IEnumerable<T> Of<T>() where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>();

    public IEnumerable<T> Of<T>(string ns) where T : IKubernetesObject<V1ObjectMeta> => Of<T>().Where(o => o.Metadata.NamespaceProperty == ns);

    /// <summary>The volume and key behind a path in the worker container, when a ConfigMap or Secret volume provides it.</summary>
    public (V1Volume Volume, string Key)? MountedKey(string path)
    {
        foreach (var mount in (Worker.VolumeMounts ?? []).OrderByDescending(m => m.MountPath.Length))
        {
            var volume = Deployment.Spec.Template.Spec.Volumes?.SingleOrDefault(v => v.Name == mount.Name);
            var items = volume?.ConfigMap?.Items ?? volume?.Secret?.Items;
            string? file = null;
            if (mount.SubPath is { Length: > 0 } subPath && path == mount.MountPath)
            {
                file = subPath;
            }
            else if (string.IsNullOrEmpty(mount.SubPath) && path.StartsWith(mount.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                file = path[(mount.MountPath.TrimEnd('/').Length + 1)..];
            }

            if (volume is not null && file is not null)
            {
                var key = items is null ? file : items.SingleOrDefault(i => i.Path == file)?.Key;
                return key is null ? null : (volume, key);
            }
        }

        return null;
    }

    private string? MountedText(string path)
    {
        if (MountedKey(path) is not ({ ConfigMap: { } source }, var key))
        {
            return null;
        }

        var configMap = Of<V1ConfigMap>(Namespace).SingleOrDefault(c => c.Metadata.Name == source.Name);
        return configMap?.Data?.TryGetValue(key, out var text) == true ? text : null;
    }

    private Dictionary<string, ClusterDefinition> ReadClusters()
    {
        var clusters = Configuration.GetSection(ClustersOptions.SectionName).Get<Dictionary<string, ClusterDefinition>>()
                       ?? new Dictionary<string, ClusterDefinition>(StringComparer.Ordinal);
        if (Configuration[InventoryFile.ConfigurationKey] is { Length: > 0 } inventoryPath)
        {
            var text = MountedText(inventoryPath) ?? throw new InvalidOperationException(
                $"deploy/{Kustomization}: {InventoryFile.ConfigurationKey} names {inventoryPath}, which no ConfigMap mounted in the worker provides.");
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, text);
                var fromFile = InventoryFile.TryRead(file, out var problem) ?? throw new InvalidOperationException($"deploy/{Kustomization}: {problem}");
                foreach (var (name, cluster) in fromFile)
                {
                    clusters.Add(name, cluster);
                }
            }
            finally
            {
                File.Delete(file);
            }
        }

        return clusters;
    }

    private static IEnumerable<string> IncludedKustomizations(string directory)
    {
        var file = Path.Combine(directory, "kustomization.yaml");
        yield return file;
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(file)));
        if (stream.Documents[0].RootNode is YamlMappingNode root &&
            root.Children.TryGetValue(new YamlScalarNode("resources"), out var resources) && resources is YamlSequenceNode entries)
        {
            foreach (var entry in entries.OfType<YamlScalarNode>())
            {
                var path = Path.GetFullPath(Path.Combine(directory, entry.Value!));
                if (Directory.Exists(path))
                {
                    foreach (var included in IncludedKustomizations(path))
                    {
                        yield return included;
                    }
                }
            }
        }
    }
}
