using System.Text;
using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// A container's environment as the kubelet fills it: literal values with <c>$(VAR)</c> references to earlier
/// variables expanded (<c>$$</c> escapes, unknown references kept), fieldRefs to the pod's name, namespace, uid,
/// labels, annotations and IP, and secretKeyRefs read from the stand-in's Secrets.
/// </summary>
public static class StandInPodEnvironment
{
    /// <summary>The variables in the container's order, or the kubelet's reason why the container cannot start.</summary>
    public static (Dictionary<string, string>? Environment, string? Problem) Resolve(V1Pod pod, V1Container container, Func<string, V1Secret?> secret)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } reference)
            {
                if (secret(reference.Name)?.Data?.TryGetValue(reference.Key, out var bytes) != true)
                {
                    if (reference.Optional == true)
                    {
                        continue;
                    }

                    return (null, $"secret \"{reference.Name}\" not found or has no key {reference.Key}");
                }

                environment[variable.Name] = Encoding.UTF8.GetString(bytes!);
            }
            else if (variable.ValueFrom?.FieldRef is { } field)
            {
                if (Field(pod, field.FieldPath) is not { } value)
                {
                    return (null, $"unsupported fieldRef {field.FieldPath} in variable {variable.Name}");
                }

                environment[variable.Name] = value;
            }
            else
            {
                environment[variable.Name] = Expand(variable.Value ?? string.Empty, environment);
            }
        }

        return (environment, null);
    }

    /// <summary>Kubernetes' expansion: <c>$(NAME)</c> of a variable defined so far, <c>$$</c> a literal <c>$</c>.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> defined)
    {
        var expanded = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 == value.Length)
            {
                expanded.Append(value[i]);
                continue;
            }

            if (value[i + 1] == '$')
            {
                expanded.Append('$');
                i++;
                continue;
            }

            var end = value[i + 1] == '(' ? value.IndexOf(')', i + 2) : -1;
            if (end < 0)
            {
                expanded.Append('$');
                continue;
            }

            var name = value[(i + 2)..end];
            expanded.Append(defined.TryGetValue(name, out var found) ? found : value[i..(end + 1)]);
            i = end;
        }

        return expanded.ToString();
    }

    private static string? Field(V1Pod pod, string path) => path switch
    {
        "metadata.name" => pod.Metadata.Name,
        "metadata.namespace" => pod.Metadata.NamespaceProperty,
        "metadata.uid" => pod.Metadata.Uid,
        "spec.nodeName" => pod.Spec.NodeName ?? "stand-in",
        "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
        "status.podIP" => pod.Status?.PodIP ?? string.Empty,
        "status.hostIP" => pod.Status?.HostIP ?? string.Empty,
        _ when Indexed(path, "metadata.labels") is { } key => Lookup(pod.Metadata.Labels, key),
        _ when Indexed(path, "metadata.annotations") is { } key => Lookup(pod.Metadata.Annotations, key),
        _ => null,
    };

    private static string Lookup(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : string.Empty;

    /// <summary>The key of <c>metadata.labels['key']</c>.</summary>
    private static string? Indexed(string path, string map) =>
        path.StartsWith(map + "['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) ? path[(map.Length + 2)..^2] : null;
}
