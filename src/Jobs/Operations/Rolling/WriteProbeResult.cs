namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>What a client writing all along saw: commits acknowledged, lost, and the longest time without one.</summary>
public sealed record WriteProbeResult
{
    public long Committed { get; init; }

    /// <summary>Statements that failed (refused, connection lost, no primary found); none of them counts as committed.</summary>
    public long Failed { get; init; }

    /// <summary>Acknowledged commits missing from the primary afterwards; the goal is 0.</summary>
    public long Lost { get; init; }

    /// <summary>The longest time no write succeeded.</summary>
    public double LongestGapSeconds { get; init; }

    public double Seconds { get; init; }
}
