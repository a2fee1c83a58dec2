using System.Text.Json;

namespace StackGres.Ops.Worker.Scheduling;

/// <summary>A request for a run, from the API, the CLI, the dashboard or a window.</summary>
public sealed record RunSubmission(string Cluster, string Operation, JsonElement? Parameters, bool DryRun, string Trigger);
