using System.Text.Json;
using StackGres.Ops.Worker.Scheduling.Findings;

namespace StackGres.Ops.Worker.Runs;

/// <summary>A request for a run, from the API, the CLI, the dashboard or a window.</summary>
public sealed record RunSubmission(string Cluster, string Operation, JsonElement? Parameters, bool DryRun, string Trigger)
{
    /// <summary>When the run must be over (the close of its window); none for on-demand runs.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>The Hangfire job that will execute the run, when it is known before (a window's job).</summary>
    public string? JobId { get; init; }

    /// <summary>The index of the window step that asks for the run.</summary>
    public int? WindowStep { get; init; }

    /// <summary>How long the run may take in all, attempts included; null: no limit but its window's.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many times a failed attempt starts again; idempotent operations only.</summary>
    public int MaxRetries { get; init; }

    /// <summary>An API request's <c>targets</c>: with findings, the parameters are filled from them before the run is submitted.</summary>
    public StepTargets Targets { get; init; }
}
