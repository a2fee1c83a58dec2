using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>
/// Runs the job runner as one Kubernetes Job per run: creates it (or adopts the one an earlier
/// attempt of the same run made), watches it and its pod to the end, relays the pod's log, and
/// deletes it on cancel. When the worker stops, the Job keeps running and the next worker re-attaches.
/// </summary>
public sealed class KubernetesJobExecutor(
    KubernetesConnection connection,
    IOptions<ExecutorOptions> options,
    TimeProvider clock,
    ILogger<KubernetesJobExecutor> logger) : IOperationExecutor
{
    private const string Foreground = "Foreground";

    public string Name => "kubernetes";

    public async Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IRunEventSink events, CancellationToken cancellationToken)
    {
        var cluster = request.Cluster.Definition;
        if (cluster.PasswordSecret is null && (cluster.PasswordEnv ?? cluster.PasswordFile) is not null)
        {
            return new ExecutionOutcome(RunStatus.Failed, null,
                $"Cluster '{request.Run.Cluster.Name}' has no PasswordSecret: a Kubernetes Job gets the password only from a Secret (Ops:Clusters:<name>:PasswordSecret:Name and :Key).");
        }

        var client = connection.Client;
        var jobNamespace = cluster.Namespace ?? connection.DefaultNamespace;
        var builder = new JobSpecBuilder(options.Value.Kubernetes, options.Value.CancelGracePeriod);
        var job = builder.Build(request, jobNamespace, clock.GetUtcNow());
        var (jobName, adopted) = await CreateOrAdoptAsync(client, job, request.Run.RunId, cancellationToken);
        Log.KubernetesJobStarted(logger, jobNamespace, jobName, adopted);
        await events.LogAsync(clock.GetUtcNow(), "info",
            adopted ? $"Re-attached to Job {jobNamespace}/{jobName}." : $"Created Job {jobNamespace}/{jobName}.", cancellationToken);

        // A re-attached Job's pod log is read from its start again: the lines kept before are not kept twice.
        var sink = adopted ? new SkipLoggedSink(events, await events.LoggedAsync(cancellationToken)) : events;
        var watch = new JobWatch(client, jobNamespace, jobName, request.Run.RunId, new RunnerEventRelay(sink, clock));
        using var stop = new CancellationTokenSource();
        var podEnded = watch.WatchPodAsync(stop.Token);
        var jobEnded = watch.WatchJobAsync(stop.Token);
        try
        {
            await Task.WhenAny(podEnded, jobEnded).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (request.WorkerStopping.IsCancellationRequested)
            {
                await stop.CancelAsync();
                await watch.SettleAsync(podEnded, jobEnded);
                Log.KubernetesJobDetached(logger, jobNamespace, jobName);
                return ExecutionOutcome.Detached($"The worker stopped; Job {jobNamespace}/{jobName} keeps running and the next worker re-attaches to it.");
            }

            await DeleteAsync(client, jobNamespace, jobName);
            await watch.DrainAsync(options.Value.CancelGracePeriod + options.Value.Kubernetes.LogDrainTimeout);
            await stop.CancelAsync();
            await watch.SettleAsync(podEnded, jobEnded);
            return JobStatusReader.Outcome(watch.Job, watch.Pod, watch.Relay, cancelled: true, watch.LastStrayLine);
        }

        if (podEnded.IsFaulted || jobEnded.IsFaulted)
        {
            // Lost sight of the Job (no permission, API server gone): stop it rather than leave it unwatched.
            await stop.CancelAsync();
            await watch.SettleAsync(podEnded, jobEnded);
            await DeleteAsync(client, jobNamespace, jobName);
            await (podEnded.IsFaulted ? (Task)podEnded : jobEnded);
        }

        if (podEnded.IsCompletedSuccessfully && podEnded.Result is { } stuck)
        {
            await DeleteAsync(client, jobNamespace, jobName);
            await stop.CancelAsync();
            await watch.SettleAsync(podEnded, jobEnded);
            return new ExecutionOutcome(RunStatus.Failed, null, stuck);
        }

        // The pod or the Job ended: wait for the other's final word and the end of the log.
        var drain = options.Value.Kubernetes.LogDrainTimeout;
        await Task.WhenAny(Task.WhenAll(podEnded, jobEnded), Task.Delay(drain, CancellationToken.None));
        await watch.DrainAsync(drain);
        await stop.CancelAsync();
        await watch.SettleAsync(podEnded, jobEnded);
        var outcome = JobStatusReader.Outcome(watch.Job, watch.Pod, watch.Relay, cancelled: false, watch.LastStrayLine);
        Log.KubernetesJobEnded(logger, jobNamespace, jobName, outcome.Status.ToWireName());
        // A Job an earlier attempt started that ended with no result: what it did is unknown.
        return adopted && watch.Relay.Result is null ? outcome with { Orphaned = true } : outcome;
    }

    /// <summary>Jobs clean up after themselves (their TTL); nothing is kept on the worker's side.</summary>
    public Task ForgetAsync(Guid runId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Adopts the run's Job when one exists (found by its run-id label, whatever its name: a worker of another version
    /// may have named it), else creates it; on 409 adopts the existing one when it belongs to the same run.
    /// </summary>
    private static async Task<(string Name, bool Adopted)> CreateOrAdoptAsync(IKubernetes client, V1Job job, Guid runId, CancellationToken cancellationToken)
    {
        var jobNamespace = job.Metadata.NamespaceProperty;
        var ofThisRun = await client.BatchV1.ListNamespacedJobAsync(jobNamespace, labelSelector: JobLabels.RunSelector(runId), cancellationToken: cancellationToken);
        if (ofThisRun.Items.FirstOrDefault(j => j.Metadata?.DeletionTimestamp is null) is { } running)
        {
            return (running.Metadata.Name, true);
        }

        try
        {
            await client.BatchV1.CreateNamespacedJobAsync(job, jobNamespace, cancellationToken: cancellationToken);
            return (job.Metadata.Name, false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, jobNamespace, cancellationToken: cancellationToken);
            var owner = existing.Metadata?.Labels?.TryGetValue(JobLabels.RunId, out var value) == true ? value : null;
            if (owner != runId.ToString("D"))
            {
                throw new InvalidOperationException(
                    $"Job {jobNamespace}/{job.Metadata.Name} already exists and belongs to {(owner is null ? "no run" : $"run {owner}")}, not to run {runId}.", e);
            }

            if (existing.Metadata?.DeletionTimestamp is not null)
            {
                throw new InvalidOperationException($"Job {jobNamespace}/{job.Metadata.Name} of this run is being deleted; it cannot be re-attached.", e);
            }

            return (job.Metadata.Name, true);
        }
    }

    private async Task DeleteAsync(IKubernetes client, string jobNamespace, string jobName)
    {
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(jobName, jobNamespace,
                new V1DeleteOptions { PropagationPolicy = Foreground }, propagationPolicy: Foreground, cancellationToken: CancellationToken.None);
            Log.KubernetesJobDeleted(logger, jobNamespace, jobName);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
