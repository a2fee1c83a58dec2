namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>What was read: the files, the prefix, the filters, and what had to be skipped.</summary>
public sealed class ReportInput
{
    /// <summary>Where the logs were read: "files" (on the runner's file system) or "sql" (from the server, over its SQL connection).</summary>
    public string Source { get; init; } = "files";

    public IReadOnlyList<ReportFile> Files { get; init; } = [];

    /// <summary>Files not read because their time span lies outside from/to.</summary>
    public int FilesOutsideRange { get; init; }

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
