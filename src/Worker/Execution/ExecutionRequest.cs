using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Worker.Clusters;

namespace StackGres.Ops.Worker.Execution;

/// <summary>What an executor needs: the runner's request and where the cluster's password lives.</summary>
public sealed record ExecutionRequest(RunRequest Run, InventoryCluster Cluster)
{
    /// <summary>The run replaces the cluster's pods (<see cref="Jobs.Operations.IReplacesPods"/>): its Job needs the Kubernetes API.</summary>
    public bool ReplacesPods { get; init; }

    /// <summary>When the run's window closes; null: no window.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>
    /// Fires when the worker stops without anyone asking the run to stop. An executor whose runner
    /// lives outside the worker (a Job) leaves it running and detaches; the next worker re-attaches.
    /// </summary>
    public CancellationToken WorkerStopping { get; init; }
}
