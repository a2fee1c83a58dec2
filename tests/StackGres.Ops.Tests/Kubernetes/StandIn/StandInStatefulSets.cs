using System.Collections.Concurrent;
using k8s.Models;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The StatefulSet controller and its pods' kubelet (apps/v1, OrderedReady, updateStrategy OnDelete): a created set
/// gets pods <c>{set}-0..</c> one after another as each becomes Ready (or all at once: podManagementPolicy Parallel),
/// each a podman container of the template's first container on the stand-in's own bridge network at an address
/// kept per pod name, with one directory per (volumeClaimTemplate, pod) that outlives the pod. A deleted pod comes back from the set's current template with the
/// same name, address and disks and a new uid; changing the template alone touches no running pod.
/// </summary>
public sealed class StandInStatefulSets(StandInStore store) : IAsyncDisposable
{
    public const string Kind = "statefulsets";

    private readonly StandInPodNetwork network = new();
    private readonly ConcurrentDictionary<(string Namespace, string Pod), StandInStatefulPod> pods = new();
    private readonly List<Task> controllers = [];
    private readonly CancellationTokenSource stopping = new();

    // The claims' disks, as a storage class would provision them: one directory per claim, any user may write it.
    private readonly DirectoryInfo disks = Directory.CreateTempSubdirectory("sgops-standin-disks-");

    /// <summary>
    /// The address pod <paramref name="pod"/> has (or will have) on the stand-in's network: a test that must put its
    /// pods' addresses in their template (Raft partners, say) asks for them before it creates the set.
    /// </summary>
    public async Task<string> PodIpAsync(string ns, string pod, CancellationToken cancellationToken) =>
        (await network.AddressOfAsync(ns, pod, cancellationToken)).Ip;

    /// <summary>The running pod's kubelet side, or null (not a StatefulSet pod, or not running yet).</summary>
    public StandInStatefulPod? Pod(string ns, string pod) => pods.GetValueOrDefault((ns, pod));

    /// <summary>Runs the controller of a set just stored.</summary>
    public void Start(string ns, string name)
    {
        var controller = new StandInStatefulSetController(store, this, ns, name);
        lock (controllers)
        {
            controllers.Add(controller.RunAsync(stopping.Token));
        }
    }

    /// <summary>
    /// Graceful deletion of a StatefulSet pod: marked with its deletionTimestamp at once (and returned), then its
    /// container stopped and the pod removed; null when the pod is not one of the sets' pods.
    /// </summary>
    public V1Pod? DeletePod(string ns, string name)
    {
        var stored = store.Get<V1Pod>(StandInKubelet.PodKind, ns, name);
        if (stored?.Metadata.OwnerReferences?.Any(o => o.Kind == "StatefulSet") != true)
        {
            return null;
        }

        if (stored.Metadata.DeletionTimestamp is not null)
        {
            return stored;
        }

        if (!pods.TryGetValue((ns, name), out var running))
        {
            // Its container never started (no image, say): nothing to stop.
            store.Remove(StandInKubelet.PodKind, ns, name);
            return stored;
        }

        var grace = stored.Spec.TerminationGracePeriodSeconds ?? 30;
        store.Update<V1Pod>(StandInKubelet.PodKind, ns, name, p =>
        {
            p.Metadata.DeletionTimestamp = DateTime.UtcNow;
            p.Metadata.DeletionGracePeriodSeconds = grace;
        });
        _ = FinishDeletionAsync(ns, name, running, TimeSpan.FromSeconds(grace));
        return store.Get<V1Pod>(StandInKubelet.PodKind, ns, name);
    }

    /// <summary>Stores pod <paramref name="ordinal"/> of the set and starts it, as the controller and the kubelet do.</summary>
    internal async Task CreatePodAsync(V1StatefulSet set, int ordinal, CancellationToken cancellationToken)
    {
        var ns = set.Metadata.NamespaceProperty;
        var name = StandInStatefulSetPods.PodName(set, ordinal);
        var address = await network.AddressOfAsync(ns, name, cancellationToken);
        if (!store.TryAdd(StandInKubelet.PodKind, StandInStatefulSetPods.Build(set, ordinal, address.Ip)))
        {
            return;
        }

        var pod = store.Get<V1Pod>(StandInKubelet.PodKind, ns, name)!;
        var container = pod.Spec.Containers[0];
        if (await PodmanPod.CheckAsync(pod.Spec, container, cancellationToken) is { } cannotStart)
        {
            SetWaiting(pod, cannotStart.Reason, cannotStart.Message);
            return;
        }

        var (environment, problem) = StandInPodEnvironment.Resolve(pod, container, secret => store.Get<V1Secret>(StandInKubelet.SecretKind, ns, secret));
        if (environment is null)
        {
            SetWaiting(pod, "CreateContainerConfigError", problem!);
            return;
        }

        var (volumes, mountProblem) = PodmanPod.WriteSecretVolumes(pod.Spec, secret => store.Get<V1Secret>(StandInKubelet.SecretKind, ns, secret),
            Path.Combine(disks.FullName, "secrets", $"{name}-{pod.Metadata.Uid}"));
        if (volumes is null)
        {
            SetWaiting(pod, "ContainerCreating", mountProblem!);
            return;
        }

        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim is { } claim)
            {
                volumes[volume.Name] = Disk(ns, claim.ClaimName);
            }
        }

        var imageId = await Podman.CheckedAsync(["image", "inspect", "--format", "{{.Id}}", container.Image], cancellationToken);
        var running = new StandInStatefulPod(store, pod, PodmanPod.RunArguments(pod.Spec, container, environment.Keys, volumes, address), environment, imageId);
        pods[(ns, name)] = running;
        running.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Task[] running;
        lock (controllers)
        {
            running = [.. controllers];
        }

        await Task.WhenAll(running);
        await Task.WhenAll(pods.Values.Select(pod => pod.DisposeAsync().AsTask()));
        await network.DisposeAsync();
        stopping.Dispose();
        disks.Delete(recursive: true);
    }

    private async Task FinishDeletionAsync(string ns, string name, StandInStatefulPod running, TimeSpan grace)
    {
        await running.StopAsync(grace);
        pods.TryRemove(new KeyValuePair<(string, string), StandInStatefulPod>((ns, name), running));
        store.Remove(StandInKubelet.PodKind, ns, name);
    }

    private string Disk(string ns, string claim)
    {
        var directory = Directory.CreateDirectory(Path.Combine(disks.FullName, "claims", ns, claim));
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = (UnixFileMode)0b111_111_111;
        }

        return directory.FullName;
    }

    private void SetWaiting(V1Pod pod, string reason, string message) =>
        store.Update<V1Pod>(StandInKubelet.PodKind, pod.Metadata.NamespaceProperty, pod.Metadata.Name, p =>
        {
            var spec = p.Spec.Containers[0];
            p.Status.ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = spec.Name, Image = spec.Image, ImageID = string.Empty, Ready = false, Started = false, RestartCount = 0,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } },
                },
            ];
        });
}
