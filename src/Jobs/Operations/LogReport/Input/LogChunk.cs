namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>A byte range of one file that starts at the beginning of a message; read by one thread.</summary>
internal sealed record LogChunk(LogInputFile File, int FileIndex, long Start, long End)
{
    public bool IsLast => End >= File.Size;
}
