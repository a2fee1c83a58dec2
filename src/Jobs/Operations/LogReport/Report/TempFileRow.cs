namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One normalized query that wrote temporary files.</summary>
public sealed class TempFileRow
{
    public string Query { get; init; } = string.Empty;
    public long Count { get; init; }
    public long Bytes { get; init; }
    public string? Example { get; init; }
}
