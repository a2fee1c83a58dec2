using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>One entry of the operation catalog.</summary>
public interface IOperation
{
    /// <summary>The name users type: "vacuum".</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Heavy operations hold the cluster's maintenance slot: one at a time per cluster.</summary>
    bool IsHeavy { get; }

    /// <summary>
    /// Whether running it again from the start after an interrupted attempt is safe (vacuum, reindex,
    /// repack, checks, reports). A non-idempotent one (a switchover, a backup, a restore) is never
    /// started twice by the worker: an interrupted attempt whose runner died ends failed instead.
    /// </summary>
    bool IsIdempotent { get; }

    IReadOnlyList<ParameterDefinition> Parameters { get; }

    /// <summary>Rules between parameters that need no server.</summary>
    void Validate(ParameterValues values, List<string> errors);

    /// <summary>Checks against the live cluster (databases and tables exist), before anything is queued.</summary>
    Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken);

    /// <summary>Runs the operation and returns its typed result.</summary>
    Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken);
}
