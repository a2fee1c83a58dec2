namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>How far the analysis got, in bytes of the files (compressed size for gzip files).</summary>
public sealed record LogProgress(long BytesRead, long BytesTotal, int Files);
