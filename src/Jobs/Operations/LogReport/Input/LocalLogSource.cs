namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>Log files on the runner's file system: files and directories named by the user.</summary>
internal sealed class LocalLogSource : ILogSource
{
    public static LocalLogSource Instance { get; } = new();

    public string Name => "files";

    public int MaxParallelReads => int.MaxValue;

    /// <summary>
    /// The files of the paths a user gave: each directory's files (hidden ones aside), in name order, and the named files.
    /// The time of their last change is not used: the runner's clock zone need not be the one the log writes.
    /// </summary>
    public static List<LogFileCandidate> List(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new LogInputException("No log file given: name files or a log directory.");
        }

        var candidates = new List<LogFileCandidate>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                candidates.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal)
                    .Select(f => new LogFileCandidate(f, new FileInfo(f).Length, true)));
            }
            else if (File.Exists(path))
            {
                candidates.Add(new LogFileCandidate(path, new FileInfo(path).Length, false));
            }
            else
            {
                throw new LogInputException($"'{path}' is neither a file nor a directory.");
            }
        }

        return candidates;
    }

    public int ReadAt(string path, Span<byte> buffer, long offset)
    {
        using var handle = File.OpenHandle(path);
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public Stream OpenRead(string path, long start, long length, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        file.Seek(start, SeekOrigin.Begin);
        return file;
    }
}
