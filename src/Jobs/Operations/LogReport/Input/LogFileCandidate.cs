namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// A file a source offers, before it is looked at: its path as the source reads it, its size, whether it came from
/// listing a directory (as opposed to being named), and, when the source knows it, the wall-clock time (as the log
/// writes times, in <see cref="Parsing.LogTimestamp"/> seconds) of its last change: no entry in it is later.
/// </summary>
internal sealed record LogFileCandidate(string Path, long Size, bool FromDirectory, long? LastModified = null);
