using Npgsql;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>Opening: the grants, the server's log settings and the list of its log files.</summary>
internal sealed partial class SqlLogSource
{
    /// <summary>The function that reads the files, as GRANT names it.</summary>
    public const string ReadFunction = "pg_catalog.pg_read_binary_file(text, bigint, bigint)";

    // pg_ls_logdir() is granted to pg_monitor; log_directory can be read by members of pg_read_all_settings, which pg_monitor
    // includes; pg_read_binary_file is revoked from PUBLIC and granted to nobody (pg_read_server_files lifts its path check,
    // not that). Superusers pass every test.
    private const string AccessSql =
        "SELECT pg_catalog.has_function_privilege('pg_catalog.pg_ls_logdir()', 'EXECUTE'), " +
        "pg_catalog.pg_has_role('pg_read_all_settings', 'USAGE'), " +
        "pg_catalog.has_function_privilege('" + ReadFunction + "', 'EXECUTE'), " +
        "pg_catalog.quote_ident(current_user), pg_catalog.quote_ident(pg_catalog.current_database())";

    private const string SettingsSql =
        "SELECT current_setting('log_directory'), current_setting('logging_collector')::bool, current_setting('log_line_prefix')";

    // Times of last change as the log writes its times (log_timezone), to compare with 'from'.
    private const string ListSql =
        "SELECT name, size, modification AT TIME ZONE current_setting('log_timezone') " +
        "FROM pg_catalog.pg_ls_logdir() WHERE name NOT LIKE '.%' ORDER BY name";

    /// <summary>
    /// Connects, checks the grants (a <see cref="LogInputException"/> naming them when one is missing), reads the log settings,
    /// lists the log files, then opens the other connections (after the listing, so that their log lines are not in the files' sizes).
    /// </summary>
    public static async Task<(SqlLogSource Source, List<LogFileCandidate> Files)> OpenAsync(Func<CancellationToken, Task<NpgsqlConnection>> open,
        int connections, int blockSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        var first = await open(cancellationToken).ConfigureAwait(false);
        SqlLogSource? source = null;
        try
        {
            await CheckAccessAsync(first, cancellationToken).ConfigureAwait(false);
            source = new SqlLogSource(first, await ReadSettingsAsync(first, cancellationToken).ConfigureAwait(false), blockSize);
            var files = await ListAsync(first, source.Settings, cancellationToken).ConfigureAwait(false);
            for (var i = 1; i < Math.Clamp(connections, 1, MaxConnections); i++)
            {
                var connection = await open(cancellationToken).ConfigureAwait(false);
                source._all.Add(connection);
                source._idle.Add(connection);
            }

            return (source, files);
        }
        catch
        {
            if (source is null)
            {
                await first.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// The refusal, in one sentence: who, what it needs, and the GRANTs that are missing. EXECUTE on a function is granted in
    /// one database (each has its own pg_proc): the one the runner connects to.
    /// </summary>
    public static string Refusal(string role, string database, bool monitor, bool read)
    {
        var grants = new List<string>();
        if (!monitor)
        {
            grants.Add($"GRANT pg_monitor TO {role}");
        }

        if (!read)
        {
            grants.Add($"GRANT EXECUTE ON FUNCTION {ReadFunction} TO {role}");
        }

        return $"Role {role} may not read the server's logs over SQL, which needs a superuser or a role with pg_monitor and " +
               $"EXECUTE on {ReadFunction}: as a superuser connected to database {database}, run {string.Join(" and ", grants)}.";
    }

    private static async Task CheckAccessAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AccessSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var monitor = reader.GetBoolean(0) && reader.GetBoolean(1);
        var read = reader.GetBoolean(2);
        if (!monitor || !read)
        {
            throw new LogInputException(Refusal(reader.GetString(3), reader.GetString(4), monitor, read));
        }
    }

    private static async Task<ServerLogSettings> ReadSettingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SettingsSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ServerLogSettings(reader.GetString(0), reader.GetBoolean(1), reader.GetString(2));
    }

    private static async Task<List<LogFileCandidate>> ListAsync(NpgsqlConnection connection, ServerLogSettings settings, CancellationToken cancellationToken)
    {
        var files = new List<LogFileCandidate>();
        try
        {
            await using var command = new NpgsqlCommand(ListSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                files.Add(new LogFileCandidate(PathOf(settings.LogDirectory, reader.GetString(0)), reader.GetInt64(1), FromDirectory: true,
                    LogTimestamp.FromDateTime(reader.GetDateTime(2))));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFile)
        {
            // No log directory at all: nothing was ever logged there.
            throw new LogInputException(settings.LoggingCollector
                ? $"The server could not list its log directory '{settings.LogDirectory}': {e.MessageText}."
                : NoCollector);
        }

        if (files.Count == 0 && !settings.LoggingCollector)
        {
            throw new LogInputException(NoCollector);
        }

        return files;
    }

    private const string NoCollector =
        "The server writes no log files to read over SQL: logging_collector is off, so its log goes to its standard error; " +
        "turn logging_collector on, or give logDirectory or files where that log is kept.";
}
