using System.Data;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// A byte range of one server log file, read with <c>pg_read_binary_file(path, offset, length)</c> in blocks (of
/// <see cref="BlockSize"/> by default). Several blocks go in one batch (one round trip), and each result is streamed from the socket
/// into the reader's buffer (sequential access), so that neither side holds more than a block and the server reads the
/// next block while this side parses the one before.
/// </summary>
internal sealed class SqlLogStream : Stream
{
    /// <summary>Bytes per pg_read_binary_file call by default: the most the server holds in memory for one reader.</summary>
    public const int BlockSize = 8 << 20;

    /// <summary>Calls per batch.</summary>
    private const int BlocksPerBatch = 4;

    private readonly NpgsqlConnection _connection;
    private readonly string _path;
    private readonly long _end;
    private readonly int _blockSize;
    private readonly Action _release;
    private readonly Func<string, NpgsqlException, LogInputException> _failed;
    private readonly CancellationToken _cancellationToken;
    private long _requested;
    private long _position;
    private NpgsqlBatch? _batch;
    private NpgsqlDataReader? _reader;
    private Stream? _column;
    private CancellationTokenRegistration _cancellation;
    private bool _disposed;

    /// <param name="release">Gives the connection back, once, on dispose.</param>
    /// <param name="failed">What a failed read becomes.</param>
    public SqlLogStream(NpgsqlConnection connection, string path, long start, long length, int blockSize, Action release,
        Func<string, NpgsqlException, LogInputException> failed, CancellationToken cancellationToken)
    {
        _blockSize = blockSize;
        _connection = connection;
        _path = path;
        _position = _requested = start;
        _end = start + length;
        _release = release;
        _failed = failed;
        _cancellationToken = cancellationToken;
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
        if (buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                if (_column is not null)
                {
                    var read = _column.Read(buffer);
                    if (read > 0)
                    {
                        _position += read;
                        return read;
                    }

                    _column.Dispose();
                    _column = null;
                }

                if (_reader is not null && _reader.NextResult())
                {
                    _reader.Read();
                    _column = _reader.GetStream(0);
                    continue;
                }

                EndBatch();
                if (_requested >= _end)
                {
                    return 0;
                }

                StartBatch();
            }
        }
        catch (NpgsqlException e) when (_cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Reading the logs was cancelled.", e, _cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw _failed(_path, e);
        }
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
                // Results not read to their end (a damaged gzip file) are skipped by the reader's dispose.
                EndBatch();
            }
            finally
            {
                _release();
            }
        }

        base.Dispose(disposing);
    }

    private void StartBatch()
    {
        _cancellationToken.ThrowIfCancellationRequested();
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

        _batch = batch;
        _cancellation = _cancellationToken.Register(static b => ((NpgsqlBatch)b!).Cancel(), batch);
        _reader = batch.ExecuteReader(CommandBehavior.SequentialAccess);
        _reader.Read();
        _column = _reader.GetStream(0);
    }

    private void EndBatch()
    {
        _column?.Dispose();
        _column = null;
        _reader?.Dispose();
        _reader = null;
        _cancellation.Dispose();
        _cancellation = default;
        _batch?.Dispose();
        _batch = null;
    }
}
