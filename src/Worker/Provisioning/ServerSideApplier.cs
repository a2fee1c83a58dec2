using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// Applies a cluster's objects with server-side apply: a PATCH of the whole object with content type
/// <c>application/apply-patch+yaml</c> (KubernetesClient's <see cref="V1Patch.PatchType.ApplyPatch"/>; JSON is
/// YAML), field manager <c>stackgres-ops</c>, <c>force=true</c> (this worker owns these fields, even when someone
/// edited them by hand). Every object is first applied as a dry run, so a refused one leaves nothing half-applied.
/// </summary>
public sealed class ServerSideApplier(IKubernetes client)
{
    public const string FieldManager = "stackgres-ops";
    private const string DryRunAll = "All";

    public async Task<ApplyResult> ApplyAsync(ClusterBlueprint cluster, ClusterManifests manifests, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(manifests);
        foreach (var item in manifests.All)
        {
            await ApplyOneAsync(item, DryRunAll, cancellationToken);
        }

        var applied = new List<AppliedObject>();
        if (!dryRun)
        {
            foreach (var item in manifests.All)
            {
                applied.Add(await ApplyOneAsync(item, null, cancellationToken));
            }
        }
        else
        {
            applied.AddRange(manifests.All.Select(item => new AppliedObject(item.ApiVersion, item.Kind, item.Namespace(), item.Name(), null)));
        }

        return new ApplyResult(cluster.Name, cluster.Namespace, FieldManager, dryRun, applied);
    }

    private async Task<AppliedObject> ApplyOneAsync(IKubernetesObject<V1ObjectMeta> item, string? dryRun, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(item, V1Patch.PatchType.ApplyPatch);
        var name = item.Name();
        var ns = item.Namespace();
        try
        {
            IKubernetesObject<V1ObjectMeta> answer = item switch
            {
                V1ServiceAccount => await client.CoreV1.PatchNamespacedServiceAccountAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1Role => await client.RbacAuthorizationV1.PatchNamespacedRoleAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1RoleBinding => await client.RbacAuthorizationV1.PatchNamespacedRoleBindingAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1ConfigMap => await client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1Service => await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1PodDisruptionBudget => await client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                V1StatefulSet => await client.AppsV1.PatchNamespacedStatefulSetAsync(patch, name, ns, dryRun, FieldManager, force: true, cancellationToken: cancellationToken),
                _ => throw new NotSupportedException($"{item.Kind} is not a kind the applier knows."),
            };
            return new AppliedObject(item.ApiVersion, item.Kind, ns, name, answer.Metadata?.ResourceVersion);
        }
        catch (HttpOperationException e)
        {
            throw new ApplyRefusedException(item.Kind, $"{ns}/{name}", e.Response.StatusCode, StatusMessage(e.Response.Content), e);
        }
    }

    /// <summary>The message of the API server's Status answer, else its first 200 characters.</summary>
    private static string StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return "no message";
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return content.Length <= 200 ? content : content[..200];
    }
}
