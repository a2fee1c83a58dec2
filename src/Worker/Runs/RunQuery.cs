using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Runs;

/// <summary>A filter over run history, newest first.</summary>
public sealed record RunQuery(string? Cluster, RunStatus? Status, string? Operation, int Limit = 50, int Offset = 0);
