namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>One log file to read, as detected: its format, size, compression and first timestamp (for ordering).</summary>
internal sealed record LogInputFile(string Path, LogFormat Format, long Size, bool Compressed, long FirstTime, bool EndsWithNewline);
