using System.Buffers;
using System.Collections.Concurrent;
using System.Data;
using System.Runtime.ExceptionServices;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// A byte range of one server log file, read with <c>pg_read_binary_file(path, offset, length)</c> in blocks (of
/// <see cref="BlockSize"/> by default). <see cref="BlocksPerBatch"/> calls go in one batch (one round trip, 4 MB), their results
/// streamed from the socket (sequential access) by a thread of the stream's own into up to <see cref="SegmentsAhead"/> segments
/// of 1 MB that the reader parses meanwhile: the server never waits for the parser, nor the parser for each round trip.
/// </summary>
/// <remarks>
/// Small blocks on purpose: PostgreSQL 15 copies a bytea result three times (the file read, the send function, the
/// message), and with results of 256 kB or more that memory is fresh for every row: on the bench machine the server then
/// spent most of its time in page faults and sent 12-18 MB/s, against about 100 MB/s with blocks of 128 kB (8 MB blocks:
/// 18 MB/s). See bench/log-report/README.md.
/// </remarks>
internal sealed class SqlLogStream : Stream
{
    /// <summary>Bytes per pg_read_binary_file call by default.</summary>
    public const int BlockSize = 128 << 10;

    /// <summary>Calls per batch: 4 MB per round trip with the default block.</summary>
    public const int BlocksPerBatch = 32;

    /// <summary>Segments read ahead of the parser, at most.</summary>
    public const int SegmentsAhead = 8;

    private const int SegmentSize = 1 << 20;

    private readonly NpgsqlConnection _connection;
    private readonly string _path;
    private readonly long _end;
    private readonly int _blockSize;
    private readonly Action _release;
    private readonly Func<string, NpgsqlException, LogInputException> _failed;
    private readonly CancellationToken _cancellationToken;
    private readonly BlockingCollection<(byte[] Buffer, int Length)> _ready = new(SegmentsAhead);
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;
    private long _requested;
    private long _position;
    private byte[]? _segment;
    private int _segmentLength;
    private int _segmentOffset;
    private ExceptionDispatchInfo? _failure;
    private bool _disposed;

    /// <param name="release">Gives the connection back, once, on dispose.</param>
    /// <param name="failed">What a failed read becomes.</param>
    public SqlLogStream(NpgsqlConnection connection, string path, long start, long length, int blockSize, Action release,
        Func<string, NpgsqlException, LogInputException> failed, CancellationToken cancellationToken)
    {
        _connection = connection;
        _path = path;
        _position = _requested = start;
        _end = start + length;
        _blockSize = blockSize;
        _release = release;
        _failed = failed;
        _cancellationToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>The offset in the file of the next byte to be returned.</summary>
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            if (_segment is not null && _segmentOffset < _segmentLength)
            {
                var count = Math.Min(buffer.Length, _segmentLength - _segmentOffset);
                _segment.AsSpan(_segmentOffset, count).CopyTo(buffer);
                _segmentOffset += count;
                _position += count;
                return count;
            }

            if (_segment is not null)
            {
                ArrayPool<byte>.Shared.Return(_segment);
                _segment = null;
            }

            if (!_ready.TryTake(out var next, Timeout.Infinite, _cancellationToken))
            {
                // The producer is done: the end of the range, or a failure.
                _failure?.Throw();
                return 0;
            }

            (_segment, _segmentLength, _segmentOffset) = (next.Buffer, next.Length, 0);
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                // A reader that stops early (a damaged gzip file, a failure): the producer stops adding, finishes the batch
                // it is in (at most 4 MB more) and leaves the connection ready for the next stream.
                _stop.Cancel();
                _producer.Wait(CancellationToken.None);
            }
            finally
            {
                while (_ready.TryTake(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }

                if (_segment is not null)
                {
                    ArrayPool<byte>.Shared.Return(_segment);
                    _segment = null;
                }

                _ready.Dispose();
                _stop.Dispose();
                _release();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>The thread that reads: batch after batch, result after result, into segments for <see cref="Read(Span{byte})"/>.</summary>
    private void Produce()
    {
        byte[]? buffer = null;
        var filled = 0;
        try
        {
            while (_requested < _end && !_stop.IsCancellationRequested)
            {
                using var batch = NextBatch();
                // Only the caller's cancellation cancels the statement on the server: a cancel request sent for a stream that is
                // merely closed could reach the next statement on this connection.
                using var cancellation = _cancellationToken.Register(static b => ((NpgsqlBatch)b!).Cancel(), batch);
                using var reader = batch.ExecuteReader(CommandBehavior.SequentialAccess);
                do
                {
                    reader.Read();
                    using var column = reader.GetStream(0);
                    while (!_stop.IsCancellationRequested)
                    {
                        buffer ??= ArrayPool<byte>.Shared.Rent(SegmentSize);
                        var read = column.Read(buffer.AsSpan(filled, SegmentSize - filled));
                        if (read == 0)
                        {
                            break; // the next result goes on filling the same segment
                        }

                        filled += read;
                        if (filled == SegmentSize)
                        {
                            Add(buffer, filled);
                            (buffer, filled) = (null, 0);
                        }
                    }
                }
                while (reader.NextResult());
            }

            if (filled > 0)
            {
                Add(buffer!, filled);
                buffer = null;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested && !_cancellationToken.IsCancellationRequested)
        {
            // Closed early: nobody reads what is left.
        }
        catch (NpgsqlException e) when (_cancellationToken.IsCancellationRequested)
        {
            _failure = ExceptionDispatchInfo.Capture(new OperationCanceledException("Reading the logs was cancelled.", e, _cancellationToken));
        }
        catch (NpgsqlException e)
        {
            _failure = ExceptionDispatchInfo.Capture(_failed(_path, e));
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _ready.CompleteAdding();
        }
    }

    private void Add(byte[] buffer, int length) => _ready.Add((buffer, length), _stop.Token);

    private NpgsqlBatch NextBatch()
    {
        var batch = new NpgsqlBatch(_connection);
        for (var i = 0; i < BlocksPerBatch && _requested < _end; i++)
        {
            var length = (int)Math.Min(_blockSize, _end - _requested);
            var command = new NpgsqlBatchCommand("SELECT pg_catalog.pg_read_binary_file($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _path });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _requested });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = length });
            batch.BatchCommands.Add(command);
            _requested += length;
        }

        return batch;
    }
}
