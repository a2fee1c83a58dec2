using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// Server-side apply, as the API server answers it for the kinds a cluster is made of: a PATCH with content type
/// application/apply-patch+yaml and a fieldManager creates the object or merges the applied fields into it (maps
/// merged, lists and values replaced), keeps the server's own fields, and leaves an unchanged object alone (same
/// resourceVersion, no event). <c>dryRun=All</c> answers without storing. GET and list read them back.
/// </summary>
public sealed partial class KubernetesStandIn
{
    public const string ApplyContentType = "application/apply-patch+yaml";

    /// <summary>Apply requests received, "Kind namespace/name fieldManager=… force=… dryRun=…", for the tests' checks.</summary>
    public List<string> Applies { get; } = [];

    private void MapApplied()
    {
        MapApplied<V1Service>("/api/v1", "services", "Service", "v1", "ServiceList");
        MapApplied<V1ConfigMap>("/api/v1", "configmaps", "ConfigMap", "v1", "ConfigMapList");
        MapApplied<V1ServiceAccount>("/api/v1", "serviceaccounts", "ServiceAccount", "v1", "ServiceAccountList");
        MapApplied<V1StatefulSet>("/apis/apps/v1", "statefulsets", "StatefulSet", "apps/v1", "StatefulSetList");
        MapApplied<V1PodDisruptionBudget>("/apis/policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", "policy/v1", "PodDisruptionBudgetList");
        MapApplied<V1Role>("/apis/rbac.authorization.k8s.io/v1", "roles", "Role", "rbac.authorization.k8s.io/v1", "RoleList");
        MapApplied<V1RoleBinding>("/apis/rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", "rbac.authorization.k8s.io/v1", "RoleBindingList");
    }

    private void MapApplied<T>(string prefix, string resource, string kind, string apiVersion, string listKind)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var path = $"{prefix}/namespaces/{{ns}}/{resource}";
        app.MapGet(path, (string ns, HttpContext context) => ListOrWatchAsync<T>(context, resource, ns, listKind, apiVersion));
        app.MapGet(path + "/{name}", (string ns, string name, HttpContext context) => GetAsync<T>(context, resource, ns, name));
        app.MapMethods(path + "/{name}", [HttpMethods.Patch], (string ns, string name, HttpContext context) =>
            ApplyAsync<T>(context, resource, kind, apiVersion, ns, name));
    }

    private async Task ApplyAsync<T>(HttpContext context, string resource, string kind, string apiVersion, string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith(ApplyContentType, StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, 415, "UnsupportedMediaType", $"the stand-in takes only {ApplyContentType} patches (got '{contentType}')");
            return;
        }

        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            await WriteStatusAsync(context, 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var applied = ParseApplied<T>(body);
        var problem = applied is null ? "the body is neither JSON nor YAML of a " + kind
            : (string?)applied["apiVersion"] != apiVersion || (string?)applied["kind"] != kind ? $"the body is not a {apiVersion} {kind}"
            : (string?)applied["metadata"]?["name"] != name ? $"metadata.name must be \"{name}\", the name in the path"
            : applied["metadata"]?["namespace"] is { } bodyNs && (string?)bodyNs != ns ? "the namespace of the provided object does not match the namespace sent on the request"
            : null;
        if (problem is not null)
        {
            await WriteStatusAsync(context, 400, "BadRequest", problem);
            return;
        }

        var dryRun = context.Request.Query["dryRun"].ToString() == "All";
        lock (Applies)
        {
            Applies.Add($"{kind} {ns}/{name} fieldManager={manager} force={context.Request.Query["force"]} dryRun={dryRun}");
        }

        var created = false;
        T? Merge(T? existing)
        {
            created = existing is null;
            var stored = existing is null ? new JsonObject() : JsonNode.Parse(KubernetesJson.Serialize(existing))!.AsObject();
            var merged = (JsonObject)stored.DeepClone();
            MergeInto(merged, applied!);
            merged["metadata"]!["namespace"] = ns;
            var next = KubernetesJson.Deserialize<T>(merged.ToJsonString());
            if (existing is not null && JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(next)), stored))
            {
                return null;
            }

            next.Metadata.Generation = (existing?.Metadata.Generation ?? 0) + 1;
            next.Metadata.ManagedFields =
            [
                .. existing?.Metadata.ManagedFields?.Where(f => f.Manager != manager) ?? [],
                new V1ManagedFieldsEntry { Manager = manager, Operation = "Apply", ApiVersion = apiVersion, FieldsType = "FieldsV1", Time = DateTime.UtcNow },
            ];
            return next;
        }

        T? result;
        if (dryRun)
        {
            var existing = Store.Get<T>(resource, ns, name);
            result = Merge(existing) ?? existing;
        }
        else
        {
            result = Store.Apply<T>(resource, ns, name, Merge);
        }

        await WriteJsonAsync(context, created ? 201 : 200, KubernetesJson.Serialize(result));
    }

    /// <summary>The applied object as JSON: KubernetesClient sends JSON (which is YAML); kubectl may send YAML.</summary>
    private static JsonObject? ParseApplied<T>(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }

        try
        {
            return JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<T>(body, strict: true))) as JsonObject;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Maps merge key by key, everything else (lists, values) is replaced; an explicit null removes the field.</summary>
    private static void MergeInto(JsonObject target, JsonObject applied)
    {
        foreach (var (key, value) in applied)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject map && target[key] is JsonObject existing)
            {
                MergeInto(existing, map);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
