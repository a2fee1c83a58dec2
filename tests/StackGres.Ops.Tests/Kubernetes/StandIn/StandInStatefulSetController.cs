using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The reconcile loop of one StatefulSet, woken by every change in the store: pods above the replicas go (highest
/// first), a missing pod is created from the current template only when every pod before it is Ready (OrderedReady;
/// at once with podManagementPolicy Parallel), and the set's status (replicas, readyReplicas, current and update
/// revisions, observedGeneration) follows.
/// OnDelete: a pod of an older revision stays until someone deletes it.
/// </summary>
public sealed class StandInStatefulSetController(StandInStore store, StandInStatefulSets sets, string ns, string name)
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = store.NextChange;
                if (store.Get<V1StatefulSet>(StandInStatefulSets.Kind, ns, name) is not { } set)
                {
                    return;
                }

                await ReconcileAsync(set, cancellationToken);
                await Task.WhenAny(next, Task.Delay(Resync, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReconcileAsync(V1StatefulSet set, CancellationToken cancellationToken)
    {
        var replicas = set.Spec.Replicas ?? 1;
        var pods = Pods(set);
        foreach (var (ordinal, pod) in pods.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key))
        {
            if (pod.Metadata.DeletionTimestamp is null)
            {
                sets.DeletePod(ns, pod.Metadata.Name);
            }
        }

        var ordered = set.Spec.PodManagementPolicy != "Parallel";
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (!pods.TryGetValue(ordinal, out var pod))
            {
                await sets.CreatePodAsync(set, ordinal, cancellationToken);
                if (ordered)
                {
                    break;
                }
            }
            else if (ordered && !StandInStatefulSetPods.IsReady(pod))
            {
                break;
            }
        }

        UpdateStatus(set.Spec.Replicas ?? 1);
    }

    private Dictionary<int, V1Pod> Pods(V1StatefulSet set)
    {
        var pods = new Dictionary<int, V1Pod>();
        foreach (var pod in store.List<V1Pod>(StandInKubelet.PodKind, ns))
        {
            if (pod.Metadata.OwnerReferences?.Any(o => o.Uid == set.Metadata.Uid) == true
                && pod.Metadata.Labels is { } labels && labels.TryGetValue(StandInStatefulSetPods.PodIndexLabel, out var index)
                && int.TryParse(index, System.Globalization.CultureInfo.InvariantCulture, out var ordinal))
            {
                pods[ordinal] = pod;
            }
        }

        return pods;
    }

    /// <summary>Writes the status when it changed (an unchanged one makes no event, so the loop does not wake itself).</summary>
    private void UpdateStatus(int replicas)
    {
        store.Apply<V1StatefulSet>(StandInStatefulSets.Kind, ns, name, set =>
        {
            if (set is null)
            {
                return null;
            }

            var pods = Pods(set).Values.ToList();
            var revision = StandInStatefulSetPods.Revision(set);
            var updated = pods.Count(p => p.Metadata.Labels[StandInStatefulSetPods.RevisionLabel] == revision);
            var current = updated == replicas && pods.Count == replicas ? revision : set.Status?.CurrentRevision ?? revision;
            var ready = pods.Count(StandInStatefulSetPods.IsReady);
            var status = new V1StatefulSetStatus
            {
                Replicas = pods.Count,
                ReadyReplicas = ready,
                AvailableReplicas = ready,
                CurrentReplicas = pods.Count(p => p.Metadata.Labels[StandInStatefulSetPods.RevisionLabel] == current),
                UpdatedReplicas = updated,
                CurrentRevision = current,
                UpdateRevision = revision,
                ObservedGeneration = set.Metadata.Generation,
                CollisionCount = 0,
            };
            if (k8s.KubernetesJson.Serialize(status) == k8s.KubernetesJson.Serialize(set.Status))
            {
                return null;
            }

            set.Status = status;
            return set;
        });
    }
}
