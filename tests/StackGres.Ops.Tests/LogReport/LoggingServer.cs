using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// A PostgreSQL server of its own that writes its log to files (logging_collector) with every statement, session,
/// checkpoint and temporary file in it; its folder (data directory and anything else) is removed on dispose.
/// </summary>
internal sealed class LoggingServer : IAsyncDisposable
{
    /// <summary>Not one of the prefixes recognised without being told: only the server's own setting names it.</summary>
    public const string Prefix = "%m [%p] %q%u@%d app=%a ";

    // What the server logs while the tests read: nothing (the quiet settings), so that both sources see the same bytes.
    private static readonly string[] QuietSettings =
    [
        "log_min_duration_statement = -1", "log_connections = off", "log_disconnections = off", "log_checkpoints = off",
        "log_lock_waits = off", "log_temp_files = -1", "log_autovacuum_min_duration = -1",
    ];

    private readonly string root;

    private LoggingServer(string root, LocalPostgresInstance server, string logDirectory)
    {
        this.root = root;
        Server = server;
        LogDirectory = logDirectory;
    }

    public LocalPostgresInstance Server { get; }

    /// <summary>The log directory as the test (on the server's machine) sees it.</summary>
    public string LogDirectory { get; }

    /// <summary>
    /// Starts a server logging in stderr format with <see cref="Prefix"/>, rotating at <paramref name="rotationSize"/>, into
    /// <c>log</c> under the data directory, or into a directory outside it named by an absolute path when <paramref name="absoluteLogDirectory"/>.
    /// </summary>
    public static async Task<LoggingServer> StartAsync(string password, string rotationSize, bool absoluteLogDirectory, CancellationToken ct)
    {
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-sqllogs-" + Guid.NewGuid().ToString("N"));
        // The server creates its log directory; under root, which is handed to the server's OS user with the data directory.
        var logDirectory = absoluteLogDirectory ? Path.Combine(root, "server-logs") : "log";
        try
        {
            var server = await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
            {
                DataDirectory = Path.Combine(root, "data"),
                Password = password,
                Settings = new Dictionary<string, string>(ReportLogging.Settings)
                {
                    ["logging_collector"] = "on",
                    ["log_destination"] = "stderr",
                    ["log_directory"] = logDirectory,
                    ["log_line_prefix"] = Prefix,
                    ["log_rotation_size"] = rotationSize,
                    ["autovacuum_naptime"] = "1",
                },
            }, PostgresBinaries.Locate(), ct);
            return new LoggingServer(root, server, absoluteLogDirectory ? logDirectory : Path.Combine(server.DataDirectory, logDirectory));
        }
        catch
        {
            DeleteRoot(root);
            throw;
        }
    }

    public string ConnectionString(string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder(Server.ConnectionString())
        {
            Username = user ?? Server.Superuser,
            Password = password ?? Server.Password,
            Pooling = false,
        }.ConnectionString;

    /// <summary>A connector as the runner has one, for <paramref name="user"/> (the superuser by default).</summary>
    public ClusterConnector Connector(string? user = null, string? password = null) => new(
        new ClusterConnection { Host = Server.Host, Port = Server.Port, Username = user ?? Server.Superuser, SslMode = SslMode.Disable },
        password ?? Server.Password, "tests");

    public Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => OpenAsync(ConnectionString(), ct);

    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>pgbench in the simple and extended protocols, failing statements, a sort that spills to a temporary file, a checkpoint.</summary>
    public async Task RunWorkloadAsync(int transactions, CancellationToken ct)
    {
        await ToolAsync("pgbench", ["-i", "-s", "1", "-q", "postgres"], ct);
        var count = transactions.ToString(CultureInfo.InvariantCulture);
        foreach (var mode in new[] { "simple", "extended" })
        {
            await ToolAsync("pgbench", ["-c", "2", "-j", "2", "-t", count, "-M", mode, "postgres"], ct);
        }

        foreach (var sql in new[]
                 {
                     "select 1/0", "select * from no_such_table where id in (1, 2, 3)",
                     "set work_mem = '64kB'; select count(*) from (select g from generate_series(1, 100000) g order by g desc) s",
                     "checkpoint",
                 })
        {
            await Server.RunToolAsync("psql", ["-X", "-q", "-d", "postgres", "-c", sql], ct);
        }
    }

    /// <summary>Turns off everything that logs, and waits until the log files stop growing.</summary>
    public async Task QuietAsync(CancellationToken ct)
    {
        await ExecuteAsync(string.Join("; ", QuietSettings.Select(s => "ALTER SYSTEM SET " + s)) + "; SELECT pg_reload_conf()", ct);
        await WaitUntilStillAsync(ct);
    }

    /// <summary>The server's clock as its log writes times (log_timezone), to the second.</summary>
    public async Task<DateTime> LogClockAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT date_trunc('second', now() AT TIME ZONE current_setting('log_timezone'))", connection);
        return (DateTime)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Waits until the sizes of the log files have not changed for half a second.</summary>
    public async Task WaitUntilStillAsync(CancellationToken ct)
    {
        var last = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await Task.Delay(500, ct);
            var now = string.Join(",", Directory.GetFiles(LogDirectory).Order(StringComparer.Ordinal).Select(f => $"{f}:{new FileInfo(f).Length}"));
            if (now == last)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the server's log files kept growing: " + now);
            last = now;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Server.DisposeAsync();
        }
        finally
        {
            DeleteRoot(root);
        }
    }

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private async Task ToolAsync(string tool, string[] arguments, CancellationToken ct)
    {
        var result = await Server.RunToolAsync(tool, arguments, ct);
        Assert.True(result.Succeeded, $"{tool} {string.Join(' ', arguments)} failed: {result.StandardError}");
    }

    private static void DeleteRoot(string root)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
