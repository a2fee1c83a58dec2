using System.Collections.Concurrent;
using k8s.Models;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The Job controller and the kubelet in one: a created Job gets a pod whose container podman runs from
/// the pod's image (the real job-runner image) with the pod's security context, volumes, memory limit and
/// environment (resolved as the kubelet does, <see cref="StandInPodEnvironment"/>); statuses follow it. An image
/// podman does not have never pulls; activeDeadlineSeconds is enforced.
/// </summary>
public sealed class StandInKubelet(StandInStore store) : IAsyncDisposable
{
    public const string JobKind = "jobs";
    public const string PodKind = "pods";
    public const string SecretKind = "secrets";

    private readonly ConcurrentDictionary<(string Namespace, string Pod), PodmanContainer> containers = new();
    private readonly ConcurrentDictionary<(string Namespace, string Job), string> podsOfJobs = new();
    private readonly ConcurrentDictionary<(string Namespace, string Job), bool> deadlineExceeded = new();
    private readonly CancellationTokenSource stopping = new();

    // The pods' secret volumes, written as the kubelet does; readable by the containers' users (the root is 0755).
    private readonly DirectoryInfo volumesRoot = OpenToAll(Directory.CreateTempSubdirectory("sgops-standin-volumes-"));

    private static DirectoryInfo OpenToAll(DirectoryInfo directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return directory;
        }

        directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                                 | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        return directory;
    }

    /// <summary>The API server's address, CA and tokens that pods get (unless automountServiceAccountToken is false).</summary>
    public StandInServiceAccounts? ServiceAccounts { get; set; }

    public PodmanContainer? Container(string ns, string pod) => containers.GetValueOrDefault((ns, pod));

    public void Start(V1Job job)
    {
        var ns = job.Metadata.NamespaceProperty;
        var podName = $"{job.Metadata.Name}-{Guid.NewGuid().ToString("N")[..5]}";
        podsOfJobs[(ns, job.Metadata.Name)] = podName;
        var template = job.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            ["job-name"] = job.Metadata.Name,
            ["batch.kubernetes.io/job-name"] = job.Metadata.Name,
            ["controller-uid"] = job.Metadata.Uid,
        };
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = podName,
                NamespaceProperty = ns,
                Labels = labels,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid, BlockOwnerDeletion = true, Controller = true }],
            },
            Spec = template.Spec,
            Status = new V1PodStatus { Phase = "Pending" },
        };
        store.TryAdd(PodKind, pod);
        store.Update<V1Job>(JobKind, ns, job.Metadata.Name, j => j.Status = new V1JobStatus { Active = 1, StartTime = DateTime.UtcNow });
        if (job.Spec.ActiveDeadlineSeconds is { } seconds)
        {
            _ = EnforceDeadlineAsync(ns, job.Metadata.Name, TimeSpan.FromSeconds(seconds));
        }

        _ = RunPodAsync(ns, job.Metadata.Name, podName, template.Spec);
    }

    /// <summary>Pulls (finds) the image, resolves the environment, and runs the container in podman.</summary>
    private async Task RunPodAsync(string ns, string jobName, string podName, V1PodSpec podSpec)
    {
        var container = podSpec.Containers[0];
        if (await PodmanPod.CheckAsync(podSpec, container, stopping.Token) is { } cannotStart)
        {
            SetWaiting(ns, podName, cannotStart.Reason, cannotStart.Message);
            return;
        }

        if (store.Get<V1Pod>(PodKind, ns, podName) is not { } pod)
        {
            return;
        }

        var (environment, problem) = StandInPodEnvironment.Resolve(pod, container, name => store.Get<V1Secret>(SecretKind, ns, name));
        if (environment is null)
        {
            SetWaiting(ns, podName, "CreateContainerConfigError", problem!);
            return;
        }

        var (secretDirectories, mountProblem) = PodmanPod.WriteSecretVolumes(podSpec, name => store.Get<V1Secret>(SecretKind, ns, name),
            Path.Combine(volumesRoot.FullName, podName));
        if (mountProblem is not null)
        {
            SetWaiting(ns, podName, "ContainerCreating", mountProblem);
            return;
        }

        PodmanPod.MakeEphemeralVolumes(podSpec, Path.Combine(volumesRoot.FullName, podName), secretDirectories!);

        string[] serviceAccountMount = [];
        if (podSpec.AutomountServiceAccountToken != false && ServiceAccounts is not null)
        {
            var (directory, variables) = ServiceAccounts.Project(ns, podSpec.ServiceAccountName, Path.Combine(volumesRoot.FullName, podName, "serviceaccount"));
            foreach (var (name, value) in variables)
            {
                environment[name] = value;
            }

            serviceAccountMount = ["--volume", $"{directory}:{StandInServiceAccounts.MountPath}:ro"];
        }

        var running = new PodmanContainer($"sgops-standin-{podName}",
            [.. serviceAccountMount, .. PodmanPod.RunArguments(podSpec, container, environment.Keys, secretDirectories)], environment);
        containers[(ns, podName)] = running;
        store.Update<V1Pod>(PodKind, ns, podName, p =>
        {
            p.Status.Phase = "Running";
            p.Status.StartTime = DateTime.UtcNow;
            p.Status.ContainerStatuses = [Status(container, new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } })];
        });
        await FinishAsync(ns, jobName, podName, container, running);
    }

    /// <summary>Foreground deletion: the Job is marked, its pod's process stopped and removed, then the Job.</summary>
    public async Task DeleteAsync(string ns, string jobName)
    {
        store.Update<V1Job>(JobKind, ns, jobName, j =>
        {
            j.Metadata.DeletionTimestamp = DateTime.UtcNow;
            j.Metadata.Finalizers = ["foregroundDeletion"];
        });
        if (podsOfJobs.TryRemove((ns, jobName), out var podName))
        {
            if (containers.TryGetValue((ns, podName), out var container))
            {
                var grace = store.Get<V1Pod>(PodKind, ns, podName)?.Spec.TerminationGracePeriodSeconds ?? 30;
                await container.StopAsync(TimeSpan.FromSeconds(grace));
            }

            store.Remove(PodKind, ns, podName);
        }

        store.Remove(JobKind, ns, jobName);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        foreach (var container in containers.Values)
        {
            container.Dispose();
        }

        stopping.Dispose();
        volumesRoot.Delete(recursive: true);
    }

    private async Task FinishAsync(string ns, string jobName, string podName, V1Container spec, PodmanContainer running)
    {
        var exitCode = await running.Exited;
        var reason = await running.TerminationReasonAsync(exitCode);
        var late = deadlineExceeded.ContainsKey((ns, jobName));
        store.Update<V1Pod>(PodKind, ns, podName, p =>
        {
            p.Status.Phase = exitCode == 0 && !late ? "Succeeded" : "Failed";
            p.Status.ContainerStatuses = [Status(spec, new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, FinishedAt = DateTime.UtcNow, Reason = reason },
            })];
        });
        if (!late)
        {
            EndJob(ns, jobName, exitCode == 0 ? null : ("BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        }
    }

    private async Task EnforceDeadlineAsync(string ns, string jobName, TimeSpan deadline)
    {
        try
        {
            await Task.Delay(deadline, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var job = store.Get<V1Job>(JobKind, ns, jobName);
        if (job is null || job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed") == true || job.Metadata.DeletionTimestamp is not null)
        {
            return;
        }

        deadlineExceeded[(ns, jobName)] = true;
        if (podsOfJobs.TryGetValue((ns, jobName), out var podName) && containers.TryGetValue((ns, podName), out var container))
        {
            await container.StopAsync(TimeSpan.FromSeconds(job.Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30));
        }

        EndJob(ns, jobName, ("DeadlineExceeded", "Job was active longer than specified deadline"));
    }

    private void EndJob(string ns, string jobName, (string Reason, string Message)? failure)
    {
        store.Update<V1Job>(JobKind, ns, jobName, j =>
        {
            var now = DateTime.UtcNow;
            j.Status.Active = 0;
            j.Status.CompletionTime = failure is null ? now : null;
            if (failure is { } failed)
            {
                j.Status.Failed = 1;
                j.Status.Conditions = [
                    new V1JobCondition { Status = "True", Type = "FailureTarget", LastTransitionTime = now, Reason = failed.Reason, Message = failed.Message },
                    new V1JobCondition { Status = "True", Type = "Failed", LastTransitionTime = now, Reason = failed.Reason, Message = failed.Message },
                ];
            }
            else
            {
                j.Status.Succeeded = 1;
                j.Status.Conditions = [
                    new V1JobCondition { Status = "True", Type = "SuccessCriteriaMet", LastTransitionTime = now },
                    new V1JobCondition { Status = "True", Type = "Complete", LastTransitionTime = now },
                ];
            }
        });
    }

    private void SetWaiting(string ns, string podName, string reason, string message) =>
        store.Update<V1Pod>(PodKind, ns, podName, p =>
        {
            var spec = p.Spec.Containers[0];
            p.Status.ContainerStatuses = [Status(spec, new V1ContainerState { Waiting = new V1ContainerStateWaiting { Message = message, Reason = reason } })];
        });

    private static V1ContainerStatus Status(V1Container spec, V1ContainerState state) =>
        new() { Image = spec.Image, ImageID = string.Empty, Name = spec.Name, Ready = state.Running is not null, RestartCount = 0, State = state };
}
