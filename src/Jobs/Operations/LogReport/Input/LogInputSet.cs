using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>The files to read, in time order, the prefix of the stderr ones, and how many files the time range left out.</summary>
internal sealed record LogInputSet(List<LogInputFile> Files, LogLinePrefix? Prefix, int FilesOutsideRange);
