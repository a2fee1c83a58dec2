using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>Everything one execution of an operation needs besides its parameters.</summary>
public sealed record OperationContext(Guid RunId, bool DryRun, IClusterConnector Connector, IOperationEvents Events);
