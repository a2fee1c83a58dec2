namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>One thing a rolling operation did to one instance, with when and for how long it was down.</summary>
public sealed record RollStep
{
    public required string Instance { get; init; }

    /// <summary>restart, upgrade, switchover, promote, rewind, follow, restart-primary, skip.</summary>
    public required string Action { get; init; }

    /// <summary>The instance's role when the step began.</summary>
    public required string Role { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>How long the instance did not accept connections during the step.</summary>
    public double? DownSeconds { get; init; }

    /// <summary>running, done, failed or skipped.</summary>
    public string Outcome { get; init; } = "running";

    public string? Detail { get; init; }
}
