using k8s.Models;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>What a Job's and its pod's status say about the run, without any I/O.</summary>
public static class JobStatusReader
{
    /// <summary>Waiting reasons after which the container never starts without someone's help.</summary>
    private static readonly HashSet<string> StuckReasons = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError",
    };

    /// <summary>The Job's final condition (Complete or Failed), or null while it runs.</summary>
    public static V1JobCondition? FinalCondition(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Status == "True" && c.Type is "Complete" or "Failed");

    /// <summary>Why the pod's container cannot start, or null.</summary>
    public static string? StuckReason(V1Pod pod)
    {
        var waiting = Runner(pod)?.State?.Waiting;
        return waiting?.Reason is { } reason && StuckReasons.Contains(reason)
            ? $"The job runner's container cannot start: {reason}{Detail(waiting.Message)}"
            : null;
    }

    /// <summary>The container has started: its log can be read.</summary>
    public static bool HasStarted(V1Pod pod) => Runner(pod)?.State is { Running: not null } or { Terminated: not null };

    public static bool IsFinished(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>
    /// The run's outcome once the Job has ended (or was deleted): Kubernetes' own verdict first when it
    /// stopped the runner (deadline, eviction, out of memory), then the runner's result, then its exit.
    /// </summary>
    public static ExecutionOutcome Outcome(V1Job? job, V1Pod? pod, RunnerEventRelay relay, bool cancelled, string? lastStrayLine)
    {
        var failed = job is null ? null : FinalCondition(job) is { Type: "Failed" } condition ? condition : null;
        if (!cancelled && failed?.Reason == "DeadlineExceeded")
        {
            return Failure($"The Job ran past its deadline (activeDeadlineSeconds {job!.Spec?.ActiveDeadlineSeconds}) and Kubernetes stopped it{Detail(failed.Message)}");
        }

        if (!cancelled && pod?.Status?.Reason == "Evicted")
        {
            return Failure($"The job runner's pod was evicted{Detail(pod.Status.Message)}");
        }

        var terminated = pod is null ? null : Runner(pod)?.State?.Terminated ?? Runner(pod)?.LastState?.Terminated;
        if (!cancelled && terminated?.Reason == "OOMKilled")
        {
            var limit = pod!.Spec?.Containers?.FirstOrDefault()?.Resources?.Limits is { } limits && limits.TryGetValue("memory", out var memory)
                ? $" of {memory}"
                : string.Empty;
            return Failure($"The job runner was killed for using more than its memory limit{limit} (OOMKilled)");
        }

        if (relay.Result is not null)
        {
            return relay.ToOutcome(terminated?.ExitCode ?? 0, cancelled, lastStrayLine);
        }

        if (cancelled)
        {
            return new ExecutionOutcome(RunStatus.Cancelled, null, "Cancelled; the Job was deleted.");
        }

        if (terminated is not null)
        {
            return relay.ToOutcome(terminated.ExitCode, cancelled: false, lastStrayLine ?? terminated.Message);
        }

        if (job is null)
        {
            return Failure("The Job was deleted by someone else before the run ended.");
        }

        return Failure(failed is null
            ? "The Job ended without a pod that ran the job runner."
            : $"The Job failed: {failed.Reason}{Detail(failed.Message)}");
    }

    private static V1ContainerStatus? Runner(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == JobSpecBuilder.ContainerName);

    private static string Detail(string? message) => string.IsNullOrWhiteSpace(message) ? string.Empty : $" ({message})";

    private static ExecutionOutcome Failure(string reason) => new(RunStatus.Failed, null, reason);
}
