using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// A PostgreSQL server run from a local data directory with the installed server binaries
/// (initdb + pg_ctl), for tests and the local demo. When the current process is root the server
/// programs run as the <c>postgres</c> OS user through <c>runuser</c>, because PostgreSQL refuses to run as root.
/// </summary>
public sealed partial class LocalPostgresInstance : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private const string SettingsFileName = "stackgres-ops.conf";
    private const string IncludeLine = "include_if_exists = '" + SettingsFileName + "'";
    private const string HbaMarker = "# stackgres-ops: host connections to local addresses";
    public const string LogFileName = "server.log";
    private const int MaxUnixSocketPathLength = 107;
    private const int LogTailLines = 30;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresBinaries binaries;
    private readonly bool runAsServiceUser;
    private readonly bool removeDataOnDispose;
    private readonly string? createdParentDirectory;
    private readonly ConcurrentDictionary<string, byte> issuedConnectionStrings = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private Task? stopTask;
    private Task? disposeTask;

    private LocalPostgresInstance(
        LocalInstanceOptions options,
        string dataDirectory,
        PostgresBinaries binaries,
        bool runAsServiceUser,
        string? createdParentDirectory)
    {
        Host = options.Host;
        Port = options.Port;
        Superuser = options.Superuser;
        Password = options.Password;
        DataDirectory = dataDirectory;
        this.binaries = binaries;
        this.runAsServiceUser = runAsServiceUser;
        this.createdParentDirectory = createdParentDirectory;
        removeDataOnDispose = options.RemoveDataOnDispose;
    }

    /// <summary>The address the server listens on.</summary>
    public string Host { get; }

    /// <summary>The TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The superuser name.</summary>
    public string Superuser { get; }

    /// <summary>The absolute data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The superuser password.</summary>
    public string Password { get; }

    /// <summary>The server log written by pg_ctl.</summary>
    public string LogFile => Path.Combine(DataDirectory, LogFileName);

    /// <summary>
    /// Creates the data directory (initdb) when needed, writes the settings, starts the server and
    /// waits until it accepts a real connection.
    /// </summary>
    public static async Task<LocalPostgresInstance> StartAsync(
        LocalInstanceOptions options,
        PostgresBinaries binaries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(binaries);
        Validate(options);

        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        var runAsServiceUser = IsPrivileged();
        var parent = Path.GetDirectoryName(dataDirectory)
            ?? throw new ArgumentException("The data directory cannot be a file system root.", nameof(options));

        // Remember the top-most ancestor this call creates so the whole new chain can be handed to the
        // postgres user and removed again on dispose.
        var createdParent = TopMostMissingDirectory(parent);
        if (createdParent is not null)
        {
            Directory.CreateDirectory(parent);
        }

        var createdDataDirectory = !Directory.Exists(dataDirectory);
        var fresh = createdDataDirectory || !File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));
        LocalPostgresInstance? instance = null;
        try
        {
            if (createdDataDirectory)
            {
                CreatePrivateDirectory(dataDirectory);
            }

            instance = new LocalPostgresInstance(options, dataDirectory, binaries, runAsServiceUser, createdParent);

            if (runAsServiceUser)
            {
                if (createdParent is not null)
                {
                    await instance.ChownAsync(createdParent, recursive: true, cancellationToken).ConfigureAwait(false);
                }

                await instance.ChownAsync(dataDirectory, recursive: true, cancellationToken).ConfigureAwait(false);
                await instance.EnsureServiceUserCanWriteAsync(cancellationToken).ConfigureAwait(false);
            }

            if (fresh)
            {
                await instance.InitdbAsync(cancellationToken).ConfigureAwait(false);
            }

            await instance.StopLeftoverServerAsync(cancellationToken).ConfigureAwait(false);
            await instance.EnsureHbaAsync(cancellationToken).ConfigureAwait(false);

            await instance.StartServerAsync(options, cancellationToken).ConfigureAwait(false);
            await instance.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            if (instance is not null)
            {
                await instance.CleanUpAfterFailedStartAsync().ConfigureAwait(false);
            }

            // Only remove what this call created: never wipe a directory the caller brought.
            if (options.RemoveDataOnDispose && createdDataDirectory)
            {
                TryDeleteDirectory(dataDirectory);
                DeleteEmptyChain(Path.GetDirectoryName(dataDirectory), createdParent);
            }

            throw;
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> (pooling on).</summary>
    public string ConnectionString(string database = "postgres")
    {
        var connectionString = BuildConnectionString(database, pooling: true);
        issuedConnectionStrings.TryAdd(connectionString, 0);
        return connectionString;
    }

    /// <summary>Creates a database (the name is quoted, so any name is accepted).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var connection = new NpgsqlConnection(BuildConnectionString("postgres", pooling: false));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand("CREATE DATABASE " + Sql.Identifier.Quote(name), connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs a client program (e.g. "pgbench", "psql", or an absolute path) against this server, passing the
    /// connection through PGHOST/PGPORT/PGUSER/PGPASSWORD in its environment, never on the command line.
    /// </summary>
    public Task<ToolResult> RunToolAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var fileName = Path.IsPathRooted(tool) ? tool : binaries.Tool(tool);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = Host,
            ["PGPORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = Superuser,
            ["PGPASSWORD"] = Password,
            ["PGDATABASE"] = null,
            ["PGPASSFILE"] = null,
            ["PGSERVICE"] = null,
            ["PGHOSTADDR"] = null,
        };
        return ProcessRunner.RunAsync(fileName, arguments.ToArray(), cancellationToken, environment);
    }

    /// <summary>Stops the server (pg_ctl stop -m fast -w). Safe to call more than once.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (stopTask is null || stopTask.IsFaulted || stopTask.IsCanceled)
            {
                stopTask = StopCoreAsync("fast", cancellationToken);
            }

            return stopTask;
        }
    }

    /// <summary>Stops the server, then deletes the data directory when RemoveDataOnDispose is set.</summary>
    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            disposeTask ??= DisposeCoreAsync();
            return new ValueTask(disposeTask);
        }
    }

    internal static string FormatSettingValue(string value)
    {
        if (NumericValue().IsMatch(value) || BooleanValue().IsMatch(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\'' => "''",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return builder.Append('\'').ToString();
    }

    private static void Validate(LocalInstanceOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory, nameof(options.DataDirectory));
        ArgumentException.ThrowIfNullOrEmpty(options.Password, nameof(options.Password));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host, nameof(options.Host));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Superuser, nameof(options.Superuser));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options.Port));
        if (options.Password.Contains('\n', StringComparison.Ordinal) || options.Password.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("The password cannot contain line breaks.", nameof(options));
        }

        foreach (var name in options.Settings.Keys)
        {
            if (!SettingName().IsMatch(name))
            {
                throw new ArgumentException($"'{name}' is not a valid postgresql.conf setting name.", nameof(options));
            }
        }
    }

    internal static bool IsPrivileged() =>
        !OperatingSystem.IsWindows()
        && (Environment.IsPrivilegedProcess || string.Equals(Environment.UserName, "root", StringComparison.Ordinal));

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    internal static string FindSystemProgram(string name)
    {
        foreach (var directory in new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return name;
    }

    internal static int PickFreePort(string host)
    {
        using var listener = new TcpListener(ResolveAddress(host), 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? IPAddress.Loopback;
    }

    private static bool IsAddressInUse(string log) =>
        log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
        || log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
        || log.Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase);

    private static string? TopMostMissingDirectory(string path)
    {
        string? topMost = null;
        for (var current = path; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            topMost = current;
        }

        return topMost;
    }

    /// <summary>Removes <paramref name="directory"/> and its ancestors up to <paramref name="topMost"/> while they are empty.</summary>
    private static void DeleteEmptyChain(string? directory, string? topMost)
    {
        if (topMost is null)
        {
            return;
        }

        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            try
            {
                if (!Directory.Exists(current) || Directory.EnumerateFileSystemEntries(current).Any())
                {
                    return;
                }

                Directory.Delete(current);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            if (string.Equals(current, topMost, StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort during failure clean-up.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort during failure clean-up.
        }
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // A server process may still be closing files (e.g. the log); retry shortly.
                await Task.Delay(200 * attempt).ConfigureAwait(false);
            }
        }
    }

    private static string Describe(ToolResult result)
    {
        var output = (result.StandardError.Trim() + Environment.NewLine + result.StandardOutput.Trim()).Trim();
        return $"exit code {result.ExitCode}" + (output.Length == 0 ? "." : ":" + Environment.NewLine + output);
    }

    private string BuildConnectionString(string database, bool pooling)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Superuser,
            Password = Password,
            Database = database,
            Pooling = pooling,
        };
        return builder.ConnectionString;
    }

    private async Task<ToolResult> RunServerProgramAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = binaries.Tool(program);
        return await RunAsServiceUserAsync(path, arguments, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ToolResult> RunAsServiceUserAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (!runAsServiceUser)
        {
            return await ProcessRunner.RunAsync(path, arguments, cancellationToken).ConfigureAwait(false);
        }

        // runuser keeps the environment but not the working directory permissions: run from "/" so the
        // postgres user never starts in a directory it cannot read (e.g. /root).
        string[] wrapped = ["-u", ServiceUser, "--", path, .. arguments];
        return await ProcessRunner.RunAsync(FindSystemProgram("runuser"), wrapped, cancellationToken, workingDirectory: "/")
            .ConfigureAwait(false);
    }

    private async Task ChownAsync(string path, bool recursive, CancellationToken cancellationToken)
    {
        string[] arguments = recursive
            ? ["-R", $"{ServiceUser}:{ServiceUser}", path]
            : [$"{ServiceUser}:{ServiceUser}", path];
        var result = await ProcessRunner.RunAsync(FindSystemProgram("chown"), arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not give '{path}' to the '{ServiceUser}' OS user (chown {string.Join(' ', arguments)}), {Describe(result)}");
        }
    }

    private async Task EnsureServiceUserCanWriteAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsServiceUserAsync("test", ["-w", DataDirectory, "-a", "-x", DataDirectory], cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"The '{ServiceUser}' OS user cannot write to '{DataDirectory}'. Every parent directory must be searchable " +
                $"by that user (chmod o+x), e.g. use a directory under {Path.GetTempPath()}. runuser {Describe(result)}");
        }
    }

    private async Task InitdbAsync(CancellationToken cancellationToken)
    {
        var passwordDirectory = Directory.CreateTempSubdirectory("stackgres-ops-initdb-");
        try
        {
            var passwordFile = Path.Combine(passwordDirectory.FullName, "pwfile");
            if (OperatingSystem.IsWindows())
            {
                await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var fileOptions = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                };
                var stream = new FileStream(passwordFile, fileOptions);
                await using (stream.ConfigureAwait(false))
                {
                    var bytes = Encoding.UTF8.GetBytes(Password + "\n");
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
            }

            if (runAsServiceUser)
            {
                await ChownAsync(passwordDirectory.FullName, recursive: true, cancellationToken).ConfigureAwait(false);
            }

            ToolResult? result = null;
            foreach (var locale in new[] { "C.UTF-8", "C" })
            {
                result = await RunServerProgramAsync(
                    "initdb",
                    [
                        "-D", DataDirectory,
                        "--auth-local=trust",
                        "--auth-host=scram-sha-256",
                        "-U", Superuser,
                        $"--pwfile={passwordFile}",
                        "-E", "UTF8",
                        $"--locale={locale}",
                        "--no-sync",
                    ],
                    cancellationToken).ConfigureAwait(false);

                var output = result.StandardError + result.StandardOutput;
                if (result.Succeeded || !output.Contains("locale", StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }
            }

            if (!result!.Succeeded)
            {
                throw new InvalidOperationException($"initdb failed for '{DataDirectory}', {Describe(result)}");
            }
        }
        finally
        {
            try
            {
                passwordDirectory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // The directory is private (0700) and in the temp folder; nothing else to do.
            }
        }
    }

    private async Task StopLeftoverServerAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        // A server from an earlier (crashed) run may still be up on this data directory. If the pid file is
        // merely stale pg_ctl reports that and the postmaster's own stale lock file check takes over.
        await RunServerProgramAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task EnsureHbaAsync(CancellationToken cancellationToken)
    {
        // initdb only allows 127.0.0.1/::1 on host connections; also allow this machine's own addresses so a
        // non-loopback Host works. Authentication stays scram-sha-256.
        var hbaPath = Path.Combine(DataDirectory, "pg_hba.conf");
        var hba = await File.ReadAllTextAsync(hbaPath, cancellationToken).ConfigureAwait(false);
        if (!hba.Contains(HbaMarker, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(
                hbaPath,
                $"{Environment.NewLine}{HbaMarker}{Environment.NewLine}host    all             all             samehost                scram-sha-256{Environment.NewLine}",
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteSettingsAsync(LocalInstanceOptions options, int port, CancellationToken cancellationToken)
    {
        var socketDirectory = DataDirectory;
        var socketPath = Path.Combine(socketDirectory, $".s.PGSQL.{port.ToString(CultureInfo.InvariantCulture)}");
        if (socketPath.Length > MaxUnixSocketPathLength)
        {
            // Unix socket paths are limited to ~107 bytes; fall back to TCP only instead of failing to start.
            socketDirectory = string.Empty;
        }

        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", options.Host),
            new("port", port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", socketDirectory),
            new("logging_collector", "off"),
        };
        if (options.RelaxedDurability)
        {
            settings.Add(new("fsync", "off"));
            settings.Add(new("synchronous_commit", "off"));
            settings.Add(new("full_page_writes", "off"));
        }

        settings.AddRange(options.Settings);

        var content = new StringBuilder()
            .AppendLine("# Written by StackGres.Ops LocalPostgresInstance on every start; edits are overwritten.");
        foreach (var (name, value) in settings)
        {
            content.Append(name).Append(" = ").AppendLine(FormatSettingValue(value));
        }

        var settingsPath = Path.Combine(DataDirectory, SettingsFileName);
        await File.WriteAllTextAsync(settingsPath, content.ToString(), cancellationToken).ConfigureAwait(false);
        if (runAsServiceUser)
        {
            await ChownAsync(settingsPath, recursive: false, cancellationToken).ConfigureAwait(false);
        }

        var configPath = Path.Combine(DataDirectory, "postgresql.conf");
        var config = await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false);
        if (!config.Contains(IncludeLine, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(configPath, $"{Environment.NewLine}{IncludeLine}{Environment.NewLine}", cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async Task StartServerAsync(LocalInstanceOptions options, CancellationToken cancellationToken)
    {
        var attempts = options.Port == 0 ? 2 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port == 0 ? PickFreePort(options.Host) : options.Port;
            await WriteSettingsAsync(options, port, cancellationToken).ConfigureAwait(false);

            var logOffset = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var result = await RunServerProgramAsync(
                "pg_ctl",
                ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogFile],
                cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Port = port;
                return;
            }

            var log = ReadLog(logOffset);
            if (attempt < attempts && IsAddressInUse(log))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"pg_ctl could not start PostgreSQL on {options.Host}:{port} from '{DataDirectory}', {Describe(result)}" +
                Environment.NewLine + $"Last lines of {LogFile}:" + Environment.NewLine + Tail(log));
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(BuildConnectionString("postgres", pooling: false)) { Timeout = 5 };
        var stopwatch = Stopwatch.StartNew();
        Exception? lastError = null;
        while (stopwatch.Elapsed < ReadyTimeout)
        {
            try
            {
                var connection = new NpgsqlConnection(builder.ConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    var command = new NpgsqlCommand("SELECT 1", connection);
                    await using (command.ConfigureAwait(false))
                    {
                        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                return;
            }
            catch (PostgresException ex) when (ex.SqlState != PostgresErrorCodes.CannotConnectNow)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL at {Host}:{Port} refused the superuser connection: {ex.SqlState} {ex.MessageText}", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException(
            $"PostgreSQL at {Host}:{Port} did not accept connections within {ReadyTimeout.TotalSeconds:0} s: {lastError?.Message}" +
            Environment.NewLine + $"Last lines of {LogFile}:" + Environment.NewLine + Tail(ReadLog(0)),
            lastError);
    }

    private async Task StopCoreAsync(string mode, CancellationToken cancellationToken)
    {
        ClearPools();
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var result = await RunServerProgramAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "60"], cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded && File.Exists(pidFile))
        {
            throw new InvalidOperationException($"pg_ctl could not stop PostgreSQL in '{DataDirectory}', {Describe(result)}");
        }
    }

    private async Task DisposeCoreAsync()
    {
        Exception? stopError = null;
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            stopError = ex;
            try
            {
                await StopCoreAsync("immediate", CancellationToken.None).ConfigureAwait(false);
                stopError = null;
            }
            catch (InvalidOperationException)
            {
                // Report the original failure below.
            }
        }

        if (stopError is not null)
        {
            throw stopError;
        }

        if (removeDataOnDispose)
        {
            await DeleteDirectoryAsync(DataDirectory).ConfigureAwait(false);
            DeleteEmptyChain(Path.GetDirectoryName(DataDirectory), createdParentDirectory);
        }
    }

    private async Task CleanUpAfterFailedStartAsync()
    {
        try
        {
            await StopCoreAsync("immediate", CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The original start failure is what the caller needs to see.
        }
    }

    private void ClearPools()
    {
        foreach (var connectionString in issuedConnectionStrings.Keys)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private string ReadLog(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (offset > 0 && offset <= stream.Length)
            {
                stream.Seek(offset, SeekOrigin.Begin);
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string Tail(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tail = string.Join('\n', lines.TakeLast(LogTailLines));
        return tail.Length == 0 ? "(server log is empty)" : tail;
    }

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex NumericValue();

    [GeneratedRegex("^(on|off|true|false|yes|no)$", RegexOptions.IgnoreCase)]
    private static partial Regex BooleanValue();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex SettingName();
}
