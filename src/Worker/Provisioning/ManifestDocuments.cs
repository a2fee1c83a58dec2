using System.Text;
using k8s;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>A cluster's objects as text: YAML documents (what kubectl apply -f takes) or a JSON v1 List.</summary>
public static class ManifestDocuments
{
    public const string YamlContentType = "application/yaml";
    public const string JsonContentType = "application/json";

    public static string Yaml(ClusterManifests manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var text = new StringBuilder();
        foreach (var item in manifests.All)
        {
            var document = KubernetesYaml.Serialize(item);
            text.Append("---\n").Append(document);
            if (!document.EndsWith('\n'))
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Json(ClusterManifests manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var items = manifests.All.Select(item => KubernetesJson.Serialize(item));
        return $$"""{"apiVersion":"v1","kind":"List","metadata":{},"items":[{{string.Join(",", items)}}]}""";
    }
}
