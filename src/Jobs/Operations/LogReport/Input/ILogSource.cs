namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// Where the bytes of the log files come from: the runner's file system (<see cref="LocalLogSource"/>) or the
/// server itself over SQL (<see cref="SqlLogSource"/>). Detection, chunk planning and the readers are the same for both.
/// </summary>
internal interface ILogSource
{
    /// <summary>What was read, for the report: "files" or "sql".</summary>
    string Name { get; }

    /// <summary>How many chunks may be read at once (the SQL source reads each on a connection of its own).</summary>
    int MaxParallelReads { get; }

    /// <summary>Reads the bytes of <paramref name="path"/> from <paramref name="offset"/> until the buffer is full or the file ends; how many.</summary>
    int ReadAt(string path, Span<byte> buffer, long offset);

    /// <summary>
    /// The bytes of <paramref name="path"/> from <paramref name="start"/>, at most <paramref name="length"/> of them. The stream's
    /// <see cref="Stream.Position"/> is the offset in the file of the next byte it returns.
    /// </summary>
    Stream OpenRead(string path, long start, long length, CancellationToken cancellationToken);
}
