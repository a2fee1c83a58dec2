using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// apps/v1 StatefulSets as the API server takes them: create (the stand-in's controller then runs the set's pods,
/// <see cref="StandInStatefulSets"/>), replace with optimistic concurrency (409 Conflict when
/// <c>metadata.resourceVersion</c> is not the stored one; the status is the server's, the generation moves when the
/// spec changes), and graceful deletion of their pods. GET and list are those of server-side apply's kinds.
/// </summary>
public sealed partial class KubernetesStandIn
{
    private const string StatefulSetsPath = "/apis/apps/v1/namespaces/{ns}/statefulsets";

    /// <summary>The StatefulSet controller and its pods' kubelet.</summary>
    public StandInStatefulSets StatefulSets { get; }

    private void MapStatefulSets()
    {
        app.MapPost(StatefulSetsPath, async (string ns, HttpContext context) =>
        {
            var set = await ReadAsync<V1StatefulSet>(context);
            set.ApiVersion = "apps/v1";
            set.Kind = "StatefulSet";
            set.Metadata.NamespaceProperty = ns;
            set.Metadata.Generation = 1;
            set.Status = new V1StatefulSetStatus();
            if (await CreateAsync(context, StandInStatefulSets.Kind, set))
            {
                StatefulSets.Start(ns, set.Metadata.Name);
            }
        });
        app.MapPut(StatefulSetsPath + "/{name}", ReplaceStatefulSetAsync);
        app.MapDelete(PodsPath + "/{name}", async (string ns, string name, HttpContext context) =>
        {
            // DeleteOptions' preconditions, as the API server checks them: the pod must still be the one the client read.
            var options = context.Request.ContentLength is > 0 ? await ReadAsync<V1DeleteOptions>(context) : null;
            if (options?.Preconditions?.Uid is { } uid && Store.Get<V1Pod>(StandInKubelet.PodKind, ns, name) is { } current && current.Metadata.Uid != uid)
            {
                await WriteStatusAsync(context, 409, "Conflict",
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Metadata.Uid}");
                return;
            }

            if (StatefulSets.DeletePod(ns, name) is { } deleting)
            {
                await WriteJsonAsync(context, 200, KubernetesJson.Serialize(deleting));
            }
            else if (Store.Get<V1Pod>(StandInKubelet.PodKind, ns, name) is null)
            {
                await WriteStatusAsync(context, 404, "NotFound", $"pods \"{name}\" not found");
            }
            else
            {
                await WriteStatusAsync(context, 405, "MethodNotAllowed", $"the stand-in deletes StatefulSets' pods only, not pod \"{name}\"");
            }
        });
    }

    private async Task ReplaceStatefulSetAsync(string ns, string name, HttpContext context)
    {
        var body = await ReadAsync<V1StatefulSet>(context);
        if (body.Metadata?.Name != name)
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"the name of the object ({body.Metadata?.Name}) does not match the name on the URL ({name})");
            return;
        }

        var outcome = 404;
        var stored = Store.Apply<V1StatefulSet>(StandInStatefulSets.Kind, ns, name, existing =>
        {
            if (existing is null)
            {
                return null;
            }

            if (body.Metadata.ResourceVersion is { Length: > 0 } expected && expected != existing.Metadata.ResourceVersion)
            {
                outcome = 409;
                return null;
            }

            outcome = 200;
            var changed = KubernetesJson.Serialize(body.Spec) != KubernetesJson.Serialize(existing.Spec);
            body.ApiVersion = "apps/v1";
            body.Kind = "StatefulSet";
            body.Metadata.NamespaceProperty = ns;
            body.Metadata.Uid = existing.Metadata.Uid;
            body.Metadata.CreationTimestamp = existing.Metadata.CreationTimestamp;
            body.Metadata.Generation = (existing.Metadata.Generation ?? 1) + (changed ? 1 : 0);
            body.Status = existing.Status;
            return body;
        });
        switch (outcome)
        {
            case 200:
                await WriteJsonAsync(context, 200, KubernetesJson.Serialize(stored));
                break;
            case 409:
                await WriteStatusAsync(context, 409, "Conflict",
                    $"Operation cannot be fulfilled on statefulsets.apps \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
                break;
            default:
                await WriteStatusAsync(context, 404, "NotFound", $"statefulsets.apps \"{name}\" not found");
                break;
        }
    }
}
