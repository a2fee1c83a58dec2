namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One normalized error message with its first occurrence as an example.</summary>
public sealed class ErrorRow
{
    public string Severity { get; init; } = string.Empty;
    public string Message { get; init; } = string.Empty;
    public long Count { get; init; }
    public string? SqlState { get; init; }
    public DateTime First { get; init; }
    public DateTime Last { get; init; }
    public string? Example { get; init; }
    public string? Detail { get; init; }
    public string? Hint { get; init; }
    public string? Statement { get; init; }
    public string? Database { get; init; }
    public string? User { get; init; }
}
