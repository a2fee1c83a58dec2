using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// What rolling-restart, minor-upgrade and switchover share: heavy (one per cluster), the same pre-flight checks, and
/// the choice of how instances are restarted — through Patroni when it manages the cluster, with pg_ctl otherwise.
/// </summary>
public abstract class RollingOperation : IOperation, IReplacesPods
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    public bool IsHeavy => true;


    public bool IsIdempotent => false;

    public abstract IReadOnlyList<ParameterDefinition> Parameters { get; }

    public bool ReplacesPods(ParameterValues values) => RollingParameters.From(values).ReplacePods;

    /// <summary>True for switchover alone; false for a roll over every instance.</summary>
    protected abstract bool SwitchoverOnly { get; }

    public virtual void Validate(ParameterValues values, List<string> errors)
    {
    }

    public Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        RollingPreflight.Check(Name, values, connector, errors);
        return Task.CompletedTask;
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = RollingParameters.From(values);
        if (context.Connector.Cluster.Patroni is not null)
        {
            using var patroni = new PatroniRollingRun(Name, parameters, context);
            return SwitchoverOnly
                ? await patroni.SwitchoverAsync(cancellationToken).ConfigureAwait(false)
                : await patroni.RollAsync(cancellationToken).ConfigureAwait(false);
        }

        if (parameters.ReplacePods)
        {
            throw new OperationFailedException($"Cluster '{context.Connector.Cluster.Name}' is not managed by Patroni on Kubernetes: there are no pods to replace.");
        }

        var local = new RollingRun(Name, parameters, context);
        return SwitchoverOnly
            ? await local.SwitchoverAsync(cancellationToken).ConfigureAwait(false)
            : await local.RollAsync(cancellationToken).ConfigureAwait(false);
    }
}
