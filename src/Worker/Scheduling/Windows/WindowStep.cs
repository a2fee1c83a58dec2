using System.Text.Json;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>One operation of a window, with its checked parameters.</summary>
public sealed record WindowStep(string Operation, JsonElement Parameters, TimeSpan? Estimate);
