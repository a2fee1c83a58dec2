namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>What was read: the files, the prefix, the filters, and what had to be skipped.</summary>
public sealed class ReportInput
{
    public IReadOnlyList<ReportFile> Files { get; init; } = [];
    public string? Prefix { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public long Bytes { get; init; }
    public long Lines { get; init; }
    public long Entries { get; init; }
    public long SkippedLines { get; init; }
    public long FilteredOutEntries { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public int Threads { get; init; }
    public double ElapsedMs { get; init; }
}
