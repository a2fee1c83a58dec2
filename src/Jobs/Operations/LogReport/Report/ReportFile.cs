namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>One file read.</summary>
public sealed class ReportFile
{
    public string Path { get; init; } = string.Empty;
    public string Format { get; init; } = string.Empty;
    public long Bytes { get; init; }
    public bool Compressed { get; init; }
    public long Lines { get; init; }
    public long Entries { get; init; }
    public long SkippedLines { get; init; }
    public IReadOnlyList<string> SkippedExamples { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
