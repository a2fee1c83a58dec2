using k8s;
using k8s.Models;
using StackGres.Ops.Jobs.Runner;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>
/// Follows one run's Job and pod: the latest of each, the pod's log relayed from the moment its
/// container starts, and the moment either ends.
/// </summary>
internal sealed class JobWatch(IKubernetes client, string jobNamespace, string jobName, Guid runId, RunnerEventRelay relay)
{
    private readonly CancellationTokenSource logStop = new();
    private Task? log;

    public RunnerEventRelay Relay => relay;

    private string JobSelector => $"metadata.name={jobName}";

    /// <summary>The Job as last seen; null once deleted.</summary>
    public V1Job? Job { get; private set; }

    public V1Pod? Pod { get; private set; }

    /// <summary>The last log line that was not a runner event (a crash's message, say).</summary>
    public string? LastStrayLine { get; private set; }

    /// <summary>Ends with the Job's final state, or null when it was deleted.</summary>
    public async Task<V1Job?> WatchJobAsync(CancellationToken cancellationToken) =>
        (await ListWatch.UntilAsync<V1Job, V1JobList, Box<V1Job?>>(
            token => client.BatchV1.ListNamespacedJobAsync(jobNamespace, fieldSelector: JobSelector, cancellationToken: token),
            (version, timeout, onError, token) => client.BatchV1.WatchListNamespacedJobAsync(jobNamespace,
                fieldSelector: JobSelector, resourceVersion: version, timeoutSeconds: timeout, allowWatchBookmarks: true, onError: onError, cancellationToken: token),
            (type, job) =>
            {
                Job = type == WatchEventType.Deleted ? null : job;
                return type == WatchEventType.Deleted ? new Box<V1Job?>(null)
                    : JobStatusReader.FinalCondition(job) is null ? null : new Box<V1Job?>(job);
            },
            () =>
            {
                Job = null;
                return new Box<V1Job?>(null);
            },
            cancellationToken)).Value;

    /// <summary>Ends when the pod finished (null) or is stuck and never runs (the reason).</summary>
    public async Task<string?> WatchPodAsync(CancellationToken cancellationToken) =>
        (await ListWatch.UntilAsync<V1Pod, V1PodList, Box<string?>>(
            token => client.CoreV1.ListNamespacedPodAsync(jobNamespace, labelSelector: JobLabels.RunSelector(runId), cancellationToken: token),
            (version, timeout, onError, token) => client.CoreV1.WatchListNamespacedPodAsync(jobNamespace,
                labelSelector: JobLabels.RunSelector(runId), resourceVersion: version, timeoutSeconds: timeout, allowWatchBookmarks: true,
                onError: onError, cancellationToken: token),
            (type, pod) =>
            {
                if (type == WatchEventType.Deleted)
                {
                    return null;
                }

                Pod = pod;
                if (log is null && JobStatusReader.HasStarted(pod))
                {
                    log = FollowLogAsync(pod.Metadata.Name, logStop.Token);
                }

                if (JobStatusReader.StuckReason(pod) is { } stuck)
                {
                    return new Box<string?>(stuck);
                }

                return JobStatusReader.IsFinished(pod) ? new Box<string?>(null) : null;
            },
            () => null,
            cancellationToken)).Value;

    /// <summary>Waits up to <paramref name="timeout"/> for the log to end (the container's exit ends it), then stops following.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        if (log is { } following)
        {
            await Task.WhenAny(following, Task.Delay(timeout, CancellationToken.None));
        }

        await logStop.CancelAsync();
    }

    /// <summary>
    /// Stops following the log and waits for the watches, which the caller has stopped, to unwind.
    /// What they failed with after the end no longer matters: the outcome is known.
    /// </summary>
    public async Task SettleAsync(params Task[] watches)
    {
        await logStop.CancelAsync();
        var all = log is null ? watches : [.. watches, log];
        await Task.WhenAll(all).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task FollowLogAsync(string podName, CancellationToken cancellationToken)
    {
        await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(podName, jobNamespace,
            container: JobSpecBuilder.ContainerName, follow: true, cancellationToken: cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (RunnerEvent.TryParse(line) is null && line.Length > 0)
            {
                LastStrayLine = line;
            }

            await relay.RelayLineAsync(line, "info", CancellationToken.None);
        }
    }

    /// <summary>A result that may itself be null, so that "done with null" differs from "not done".</summary>
    private sealed record Box<T>(T Value);
}
