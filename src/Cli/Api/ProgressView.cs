namespace StackGres.Ops.Cli.Api;

/// <summary>Where a running operation is: phase, relation and how far it got.</summary>
public sealed record ProgressView
{
    public string Phase { get; init; } = string.Empty;
    public string? Database { get; init; }
    public string? Relation { get; init; }
    public int Done { get; init; }
    public int Total { get; init; }
    public double Percent { get; init; }
}
