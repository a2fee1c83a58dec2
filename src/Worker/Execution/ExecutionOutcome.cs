using System.Text.Json;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution;

/// <summary>How an execution ended: a final status, the runner's typed result, or the reason it has none.</summary>
public sealed record ExecutionOutcome(RunStatus Status, JsonElement? Result, string? Error);
