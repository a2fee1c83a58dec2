using System.Buffers;
using System.IO.Compression;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>Reads the bytes of one chunk in large blocks and hands its lines to a reader; no string per line.</summary>
internal static class ChunkReader
{
    private const int BlockSize = 1 << 20;

    /// <summary>Reads <paramref name="chunk"/> from <paramref name="source"/>; <paramref name="onBytes"/> hears how many bytes each block had.</summary>
    public static void Read(ILogSource source, LogChunk chunk, ILogReader reader, Action<long> onBytes, CancellationToken cancellationToken)
    {
        var compressed = chunk.File.Compressed;
        using var raw = source.OpenRead(chunk.File.Path, chunk.Start, compressed ? chunk.File.Size : chunk.End - chunk.Start, cancellationToken);
        using var stream = compressed ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        var remaining = compressed ? long.MaxValue : chunk.End - chunk.Start;
        Pump(stream, remaining, reader, onBytes, cancellationToken, compressed ? () => raw.Position : null);
    }

    private static void Pump(Stream stream, long remaining, ILogReader reader, Action<long> onBytes, CancellationToken cancellationToken,
        Func<long>? compressedPosition)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        var filled = 0;
        var truncated = false;
        var lastPosition = 0L;
        try
        {
            while (remaining > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (filled == buffer.Length)
                {
                    // One line longer than the buffer: grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = stream.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, remaining));
                }
                catch (InvalidDataException)
                {
                    reader.Counters.Warnings.Add("the compressed stream is damaged or truncated; the report covers what could be decompressed before that point");
                    truncated = true;
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                remaining -= read;
                if (compressedPosition is null)
                {
                    onBytes(read);
                }
                else
                {
                    var position = compressedPosition();
                    onBytes(position - lastPosition);
                    lastPosition = position;
                }

                var data = buffer.AsSpan(0, filled + read);
                var consumed = 0;
                while (true)
                {
                    var newline = data[consumed..].IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    reader.OnLine(data.Slice(consumed, newline));
                    consumed += newline + 1;
                }

                filled = data.Length - consumed;
                data[consumed..].CopyTo(buffer);
            }

            if (filled > 0)
            {
                reader.OnLine(buffer.AsSpan(0, filled));
                truncated = true;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        reader.Complete(truncated);
    }
}
