using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution;

/// <summary>What an executor needs: the runner's request and where the cluster's password lives.</summary>
public sealed record ExecutionRequest(RunRequest Run, ClusterDefinition Cluster);
