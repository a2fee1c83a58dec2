namespace StackGres.Ops.Jobs.Runs;

/// <summary>Where a running operation is: its phase, the relation it works on and how far it got.</summary>
public sealed record RunProgress
{
    public required string Phase { get; init; }
    public string? Database { get; init; }
    public string? Relation { get; init; }
    public int Done { get; init; }
    public int Total { get; init; }
    public double Percent => Total <= 0 ? 0 : Math.Round(100.0 * Done / Total, 1);
}
