namespace StackGres.Ops.Jobs.Runs;

/// <summary>Where a running operation is: its phase, the relation it works on and how far it got.</summary>
public sealed record RunProgress
{
    public required string Phase { get; init; }
    public string? Database { get; init; }
    public string? Relation { get; init; }

    /// <summary>What the server says it is doing on the relation (e.g. "scanning heap"), from its progress views or the tool's output.</summary>
    public string? Detail { get; init; }

    /// <summary>How far the current relation is (heap or index blocks done), in percent, when the server tells.</summary>
    public double? RelationPercent { get; init; }

    public int Done { get; init; }
    public int Total { get; init; }
    public double Percent => Total <= 0 ? 0 : Math.Round(100.0 * Done / Total, 1);
}
