using System.Text.Json;
using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Runs;

/// <summary>One execution of one operation on one cluster, as stored and as the API shows it.</summary>
public sealed record RunRecord
{
    public required Guid Id { get; init; }
    public required string Cluster { get; init; }
    public required string Operation { get; init; }
    public required JsonElement Parameters { get; init; }
    public bool DryRun { get; init; }

    /// <summary>window:&lt;name&gt;, api, dashboard or cli.</summary>
    public required string Trigger { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Why the run failed, was cancelled or skipped.</summary>
    public string? Reason { get; init; }

    public string? Executor { get; init; }
    public bool CancelRequested { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>When the run must be over: the close of the window that started it.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>How long the run may take in all, attempts included (ISO 8601, as StackGres's <c>timeout</c>); null: no limit but its window's.</summary>
    public string? Timeout => TimeoutSpan is { } timeout ? System.Xml.XmlConvert.ToString(timeout) : null;

    [JsonIgnore]
    public TimeSpan? TimeoutSpan { get; init; }

    /// <summary>How many times a failed attempt starts again (idempotent operations only), as StackGres's <c>maxRetries</c>.</summary>
    public int MaxRetries { get; init; }

    public RunProgress? Progress { get; init; }
    public JsonElement? Result { get; init; }

    [JsonIgnore]
    public string? JobId { get; init; }

    /// <summary>The index of the window step that made the run (0 for the first); null outside windows.</summary>
    [JsonIgnore]
    public int? WindowStep { get; init; }

    public double? DurationMs => StartedAt is { } started
        ? Math.Round(((FinishedAt ?? DateTimeOffset.UtcNow) - started).TotalMilliseconds, 1)
        : null;
}
