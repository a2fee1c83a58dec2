using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// A server started on a data directory pgBackRest restored, followed through archive recovery until it
/// promotes, or until it dies, with the reason from its log. A new instance gets its own port and socket
/// (command-line settings, which win over the copied configuration files); a cluster restored in place
/// starts with its own configuration.
/// </summary>
public sealed partial class RestoredServer(string dataDirectory, string host, int port, string logFile, bool ownAddress, PgCtl pgctl,
    IClusterConnector connector)
{
    public const string NewInstanceLogName = "restore-server.log";
    private const int MaxSocketPath = 107;
    private static readonly string[] RecoveryMarkers =
    [
        "recovery stopping", "last completed transaction", "consistent recovery state", "selected new timeline", "redo done",
        "recovery ended", "FATAL", "PANIC",
    ];

    private long logStart;

    public string DataDirectory => dataDirectory;
    public string Host => host;
    public int Port => port;
    public string LogFile => logFile;
    public IClusterConnector Connector => connector;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A cluster restored in place goes on writing to its own long-lived log: only what this start writes counts.
        logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        if (!ownAddress)
        {
            await pgctl.StartAsync(dataDirectory, LogFile, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var socket = Path.Combine(dataDirectory, $".s.PGSQL.{port}").Length <= MaxSocketPath ? dataDirectory : string.Empty;
        var options = string.Join(' ',
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", ShellWord("listen_addresses=" + host),
            "-c", ShellWord("unix_socket_directories=" + socket),
            "-c", "logging_collector=off");
        await pgctl.StartAsync(dataDirectory, LogFile, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the server has promoted (left recovery); fails with its log when it stops instead.</summary>
    public async Task WaitForPromotionAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seenRunning = false;
        while (true)
        {
            // pg_ctl -W returns before the postmaster has written its pid file: a server never seen is given time.
            var running = PgCtl.IsRunning(dataDirectory);
            seenRunning |= running;
            if (!running && (seenRunning || clock.Elapsed > TimeSpan.FromSeconds(30)))
            {
                throw new OperationFailedException(
                    $"The restored server stopped during recovery: {string.Join(" ", LogLines(fatalOnly: true).TakeLast(4))}");
            }

            try
            {
                await using var connection = await connector.OpenAsync(null, cancellationToken).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_is_in_recovery()", connection);
                if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    return;
                }
            }
            catch (NpgsqlException e) when (e is not PostgresException { SqlState: not (PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown) })
            {
                // Not accepting connections yet (or going down): look again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The point recovery reached, read from the promoted server and its log.</summary>
    public async Task<ReachedPoint> ReadReachedPointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connector.OpenAsync(null, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_catalog.pg_last_xact_replay_timestamp(), pg_catalog.pg_last_wal_replay_lsn()::text,
                   ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var log = LogLines(fatalOnly: false).ToArray();
        return new ReachedPoint(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            log.Select(StoppedBefore).LastOrDefault(time => time is not null),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetInt32(2),
            log);
    }

    /// <summary>The databases of the restored server that accept connections: proof that it answers.</summary>
    public async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connector.OpenAsync(null, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await pgctl.StopAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
    }

    private IEnumerable<string> LogLines(bool fatalOnly)
    {
        if (!File.Exists(LogFile))
        {
            return [];
        }

        string[] markers = fatalOnly ? ["FATAL", "PANIC"] : RecoveryMarkers;
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(logStart, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (markers.Any(m => line.Contains(m, StringComparison.Ordinal)))
            {
                lines.Add(line);
            }
        }

        return lines.TakeLast(20).ToArray();
    }

    /// <summary>The commit time in "recovery stopping before commit of transaction N, time T", if the line says so.</summary>
    private static DateTimeOffset? StoppedBefore(string line)
    {
        var match = StoppingBefore().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var text = match.Groups[1].Value.Trim();
        text = ShortOffset().IsMatch(text) ? text + ":00" : text;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"recovery stopping before (?:commit|abort) of transaction \d+, time (.+)$")]
    private static partial System.Text.RegularExpressions.Regex StoppingBefore();

    [System.Text.RegularExpressions.GeneratedRegex(@"[+-]\d{2}$")]
    private static partial System.Text.RegularExpressions.Regex ShortOffset();

    private static string ShellWord(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
