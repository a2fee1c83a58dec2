using System.Text.Json;

namespace StackGres.Ops.Cli.Api;

/// <summary>A run as the worker's API shows it.</summary>
public sealed record RunView
{
    public Guid Id { get; init; }
    public string Cluster { get; init; } = string.Empty;
    public string Operation { get; init; } = string.Empty;
    public string Status { get; init; } = string.Empty;
    public string Trigger { get; init; } = string.Empty;
    public bool DryRun { get; init; }
    public string? Reason { get; init; }
    public bool CancelRequested { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double? DurationMs { get; init; }
    public ProgressView? Progress { get; init; }
    public JsonElement? Parameters { get; init; }
    public JsonElement? Result { get; init; }

    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled" or "skipped";
}
