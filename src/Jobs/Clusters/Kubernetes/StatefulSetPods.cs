using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Kubernetes;

/// <summary>
/// What a roll by pod replacement asks of a StatefulSet (updateStrategy OnDelete): the image of its PostgreSQL
/// container, a change of that image (which the controller applies to each pod only when the pod is deleted), and its
/// pods, read and deleted one at a time.
/// </summary>
public sealed class StatefulSetPods(InClusterKubernetesApi api, StatefulSetReference reference)
{
    private const int ConflictRetries = 5;

    public string Namespace { get; } = reference.Namespace ?? api.Namespace;

    public override string ToString() => $"statefulset/{reference.Name} in {Namespace}";

    private string StatefulSetPath => $"/apis/apps/v1/namespaces/{Uri.EscapeDataString(Namespace)}/statefulsets/{Uri.EscapeDataString(reference.Name)}";

    private string PodPath(string pod) => $"/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/pods/{Uri.EscapeDataString(pod)}";

    /// <summary>The template's image of the PostgreSQL container, and the update strategy; fails when the set or container is missing.</summary>
    public async Task<(string Image, string Strategy)> TemplateAsync(CancellationToken cancellationToken)
    {
        var set = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var image = Container(set)["image"]?.GetValue<string>() ?? string.Empty;
        return (image, set["spec"]?["updateStrategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate");
    }

    /// <summary>Sets the PostgreSQL container's image in the template; false when it already was. Retries when the set changed meanwhile.</summary>
    public async Task<bool> SetImageAsync(string image, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var set = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var container = Container(set);
            if (container["image"]?.GetValue<string>() == image)
            {
                return false;
            }

            container["image"] = image;
            set.Remove("status");
            try
            {
                await api.ReplaceAsync(StatefulSetPath, set, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (KubernetesConflictException) when (attempt < ConflictRetries)
            {
            }
        }
    }

    /// <summary>The pod as it is now; null when it does not exist (deleted, not yet recreated).</summary>
    public async Task<PodState?> PodAsync(string name, CancellationToken cancellationToken)
    {
        var pod = await api.GetAsync(PodPath(name), cancellationToken).ConfigureAwait(false);
        return pod is null ? null : PodState.From(pod, reference.Container);
    }

    /// <summary>Deletes the pod while it is still the one read (its uid); false when it is already gone or replaced.</summary>
    public async Task<bool> DeletePodAsync(PodState pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        try
        {
            return await api.DeleteAsync(PodPath(pod.Name), pod.Uid, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesConflictException)
        {
            return false;
        }
    }

    private async Task<JsonObject> ReadAsync(CancellationToken cancellationToken) =>
        await api.GetAsync(StatefulSetPath, cancellationToken).ConfigureAwait(false)
        ?? throw new OperationFailedException($"{this} does not exist (Ops:Clusters:<name>:Patroni:StatefulSet).");

    private JsonObject Container(JsonObject set) =>
        set["spec"]?["template"]?["spec"]?["containers"]?.AsArray().OfType<JsonObject>()
            .FirstOrDefault(c => c["name"]?.GetValue<string>() == reference.Container)
        ?? throw new OperationFailedException($"{this} has no container '{reference.Container}' in its pod template (Ops:Clusters:<name>:Patroni:Container).");
}
