using System.Collections.Concurrent;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>
/// The server's own log files, read over its SQL connection: <c>pg_ls_logdir()</c> lists them and
/// <c>pg_read_binary_file(path, offset, length)</c> reads them, so no log volume needs to be mounted where the
/// runner runs. Each chunk is read on a connection of its own (at most <see cref="MaxConnections"/>).
/// </summary>
/// <remarks>
/// Needs a superuser, or a role with pg_monitor (EXECUTE on pg_ls_logdir() and reading the log_directory
/// setting) and EXECUTE on pg_read_binary_file(text, bigint, bigint); <see cref="OpenAsync"/> refuses at once otherwise.
/// </remarks>
internal sealed partial class SqlLogSource : ILogSource, IAsyncDisposable
{
    /// <summary>Readers at once: each holds a connection, and the server reads the files for them.</summary>
    public const int MaxConnections = 4;

    private readonly ConcurrentBag<NpgsqlConnection> _idle = [];
    private readonly List<NpgsqlConnection> _all = [];

    private readonly int _blockSize;

    private SqlLogSource(NpgsqlConnection first, ServerLogSettings settings, int blockSize)
    {
        _blockSize = blockSize;
        _all.Add(first);
        _idle.Add(first);
        Settings = settings;
    }

    public string Name => "sql";

    public int MaxParallelReads => _all.Count;

    /// <summary>What the server says about its logs.</summary>
    public ServerLogSettings Settings { get; }

    /// <summary>Where the files are, for messages.</summary>
    public string Where => $"the server's log directory '{Settings.LogDirectory}'";

    /// <summary>The path pg_read_binary_file reads for a file pg_ls_logdir lists: relative to the data directory, or absolute, as log_directory is.</summary>
    public static string PathOf(string logDirectory, string name) => logDirectory.TrimEnd('/') + "/" + name;

    public int ReadAt(string path, Span<byte> buffer, long offset)
    {
        // Heads and probes go in blocks too (see SqlLogStream), on the connection no chunk is using yet.
        using var stream = OpenRead(path, offset, buffer.Length, CancellationToken.None);
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }

    public Stream OpenRead(string path, long start, long length, CancellationToken cancellationToken)
    {
        var connection = Borrow();
        return new SqlLogStream(connection, path, start, length, _blockSize, () => _idle.Add(connection), ReadFailed, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _all.Clear();
    }

    private NpgsqlConnection Borrow() =>
        // The analyzer never reads more chunks at once than MaxParallelReads, and reads heads and probes alone.
        _idle.TryTake(out var connection) ? connection : throw new InvalidOperationException("No idle connection to read the logs on.");

    /// <summary>What a failed read becomes: the server's reason, in one sentence.</summary>
    private static LogInputException ReadFailed(string path, NpgsqlException e) => e is PostgresException postgres
        ? new LogInputException($"The server could not read {path}: {postgres.MessageText}.")
        : new LogInputException($"Reading {path} over SQL failed: {e.Message}");
}
