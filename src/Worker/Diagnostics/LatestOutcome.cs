namespace StackGres.Ops.Worker.Diagnostics;

/// <summary>How an operation last went on a cluster (runs that were not dry runs): when it last succeeded, and whether its latest run failed.</summary>
public sealed record LatestOutcome(string Cluster, string Operation, DateTimeOffset? LastSuccessAt, bool LastFailed);
