using k8s.Models;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The kubelet's side of one StatefulSet pod (one uid): runs its container in podman, starts it again when it exits
/// on its own (restartPolicy Always, restartCount + 1), runs its readinessProbe, and keeps the pod's status (phase,
/// Ready conditions, containerStatuses[0]) in the store. Deletion stops it: SIGTERM, SIGKILL after the grace period.
/// </summary>
public sealed class StandInStatefulPod : IAsyncDisposable
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly StandInStore store;
    private readonly V1Pod pod;
    private readonly V1Container spec;
    private readonly List<string> runArguments;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string imageId;
    private readonly CancellationTokenSource stopping = new();
    private PodmanContainer? container;
    private V1ContainerState state = new() { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
    private V1ContainerState? lastState;
    private bool running;
    private bool probedReady;
    private int restarts;
    private Task loop = Task.CompletedTask;

    /// <param name="pod">The pod as stored, with its uid and IP.</param>
    /// <param name="runArguments">The arguments of <c>podman run</c>, <c>--name</c> excluded.</param>
    public StandInStatefulPod(StandInStore store, V1Pod pod, List<string> runArguments, IReadOnlyDictionary<string, string> environment, string imageId)
    {
        this.store = store;
        this.pod = pod;
        this.runArguments = runArguments;
        this.environment = environment;
        this.imageId = imageId;
        spec = pod.Spec.Containers[0];
        ContainerName = $"sgops-standin-{pod.Metadata.Name}-{pod.Metadata.Uid[..8]}";
    }

    public string ContainerName { get; }

    public string Uid => pod.Metadata.Uid;

    /// <summary>Starts the container (and its probe) and keeps it running until the pod is stopped.</summary>
    public void Start()
    {
        loop = RunAsync(stopping.Token);
        if (spec.ReadinessProbe is { } probe)
        {
            var prober = new StandInReadinessProbe(probe, spec, pod.Status.PodIP, ContainerName);
            _ = prober.RunAsync(() => Volatile.Read(ref running), ready => Change(() => probedReady = ready), stopping.Token);
        }
    }

    /// <summary>The kubelet's deletion: SIGTERM, SIGKILL after the grace period, then the container removed.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await stopping.CancelAsync();
        PodmanContainer? current;
        lock (gate)
        {
            current = container;
        }

        if (current is not null)
        {
            try
            {
                await current.StopAsync(grace).WaitAsync(grace + TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                // podman did not end it: removing it below kills it.
            }

            current.Dispose();
        }

        await loop;
        Change(() =>
        {
            running = false;
            probedReady = false;
            state = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 143, Reason = "Completed", FinishedAt = DateTime.UtcNow } };
        });
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
        stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = new PodmanContainer(ContainerName, runArguments, environment);
            lock (gate)
            {
                container = started;
            }

            Change(() =>
            {
                running = true;
                state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } };
            });
            int exitCode;
            try
            {
                exitCode = await started.Exited.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var reason = await started.TerminationReasonAsync(exitCode);
            Change(() =>
            {
                running = false;
                probedReady = false;
                lastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason, FinishedAt = DateTime.UtcNow } };
                state = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } };
                restarts++;
            });
            lock (gate)
            {
                container = null;
            }

            started.Dispose();
            try
            {
                await Task.Delay(RestartDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Changes the kubelet's view of the container and writes the pod's status from it.</summary>
    private void Change(Action change)
    {
        lock (gate)
        {
            var wasReady = running && (probedReady || spec.ReadinessProbe is null);
            change();
            var ready = running && (probedReady || spec.ReadinessProbe is null);
            var now = DateTime.UtcNow;
            store.Update<V1Pod>(StandInKubelet.PodKind, pod.Metadata.NamespaceProperty, pod.Metadata.Name, p =>
            {
                if (p.Metadata.Uid != pod.Metadata.Uid)
                {
                    return;
                }

                p.Status.Phase = "Running";
                p.Status.StartTime ??= now;
                var transition = ready != wasReady || p.Status.Conditions is null ? now : p.Status.Conditions.First(c => c.Type == "Ready").LastTransitionTime;
                var readyText = ready ? "True" : "False";
                p.Status.Conditions =
                [
                    new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = p.Status.StartTime },
                    new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = p.Status.StartTime },
                    new V1PodCondition { Type = "ContainersReady", Status = readyText, LastTransitionTime = transition },
                    new V1PodCondition { Type = "Ready", Status = readyText, LastTransitionTime = transition },
                ];
                p.Status.ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = spec.Name,
                        Image = spec.Image,
                        ImageID = imageId,
                        ContainerID = "podman://" + ContainerName,
                        Ready = ready,
                        Started = running,
                        RestartCount = restarts,
                        State = state,
                        LastState = lastState,
                    },
                ];
            });
        }
    }
}
