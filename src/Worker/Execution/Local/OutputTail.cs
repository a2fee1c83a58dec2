using System.Text;

namespace StackGres.Ops.Worker.Execution.Local;

/// <summary>
/// Reads the complete lines a runner appended to one of its output files since the last read. A
/// line without its newline yet waits for the next read, unless the runner has ended.
/// </summary>
public sealed class OutputTail(string file, long offset)
{
    private const int MaxLineBytes = 1 << 20;

    /// <summary>Where the next unread line starts.</summary>
    public long Offset { get; private set; } = offset;

    /// <summary>Each new line with the offset just past it, in order.</summary>
    public IEnumerable<(string Line, long End)> ReadLines(bool final)
    {
        if (!File.Exists(file))
        {
            yield break;
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= Offset)
        {
            yield break;
        }

        stream.Seek(Offset, SeekOrigin.Begin);
        var pending = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var position = Offset;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n' && pending.Length + (i - start) < MaxLineBytes)
                {
                    continue;
                }

                pending.Write(buffer, start, i - start);
                var end = position + i + (buffer[i] == (byte)'\n' ? 1 : 0);
                var line = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length).TrimEnd('\r');
                pending.SetLength(0);
                start = buffer[i] == (byte)'\n' ? i + 1 : i;
                Offset = end;
                yield return (line, end);
            }

            pending.Write(buffer, start, read - start);
            position += read;
        }

        if (final && pending.Length > 0)
        {
            Offset = position;
            yield return (Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length), position);
        }
    }
}
