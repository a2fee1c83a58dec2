using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// log-report reading the server's own log files over SQL (pg_ls_logdir, pg_read_binary_file) on a real server that logs
/// to files: the same report as from the files, the time range, the grants it needs, an absolute log_directory.
/// </summary>
public sealed class SqlLogReportTests(SqlLogReportTests.Logs logs) : IClassFixture<SqlLogReportTests.Logs>
{
    [Fact]
    public async Task ReportOverSql_EqualsTheReportFromTheFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        // Small chunks and blocks: files split between threads (boundaries probed over SQL), many calls per chunk, several batches.
        var settings = new LogReportSettings { Jobs = 2, ChunkSize = 1 << 20, SqlBlockSize = 16 << 10, Bucket = TimeSpan.FromMinutes(1) };

        var files = LogAnalyzer.Analyze([logs.Server.LogDirectory], settings with { Prefix = LoggingServer.Prefix }, null, ct);
        var sql = await LogAnalyzer.AnalyzeOverSqlAsync(logs.Server.OpenAsync, settings, null, ct);

        Assert.True(files.Input.Files.Count >= 3, $"{files.Input.Files.Count} files: the workload should have rotated the log");
        Assert.Contains(files.Input.Files, f => f.Compressed && f.Warnings.Count == 0);
        Assert.Contains(files.Input.Files, f => f.Compressed && f.Warnings.Any(w => w.Contains("damaged", StringComparison.Ordinal)));
        Assert.True(files.Overview.Queries > 2000, files.Overview.Queries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("files", files.Input.Source);
        Assert.Equal("sql", sql.Input.Source);
        Assert.Equal(LoggingServer.Prefix, sql.Input.Prefix); // the server's own log_line_prefix, not given
        Assert.All(sql.Input.Files, f => Assert.StartsWith("log/", f.Path, StringComparison.Ordinal));
        AssertSameReport(files, sql);
    }

    [Fact]
    public async Task Operation_ReadsOverSql_WhenNoLogLocationIsGiven_AndReportsProgress()
    {
        var ct = TestContext.Current.CancellationToken;
        var events = new RecordingEvents();
        await using var connector = logs.Server.Connector();

        var sql = await OperationHarness.ExecuteAsync<LogReportDocument>(new LogReportOperation(), new { bucket = "1m" }, connector, events, ct);
        // One thread, as the operation reads over SQL by default: the slowest statements that tie keep their order.
        var files = LogAnalyzer.Analyze([logs.Server.LogDirectory],
            new LogReportSettings { Prefix = LoggingServer.Prefix, Bucket = TimeSpan.FromMinutes(1), Jobs = 1 }, null, ct);

        AssertSameReport(files, sql);
        Assert.Contains(events.Lines, l => l.Contains("reading the server's logs over SQL as postgres@", StringComparison.Ordinal));
        var last = events.Progress.Last();
        Assert.Equal("reading logs", last.Phase);
        Assert.Equal((int)(sql.Input.Bytes >> 20), last.Total);
        Assert.Equal(last.Total, last.Done);
    }

    [Fact]
    public async Task ReportOverSql_SkipsFilesLastWrittenBeforeFrom()
    {
        var ct = TestContext.Current.CancellationToken;
        // One thread each: the slowest statements tie (same duration), and ties keep the order in which they were read.
        var settings = new LogReportSettings { From = logs.RangeStart, Prefix = LoggingServer.Prefix, Jobs = 1 };

        var sql = await LogAnalyzer.AnalyzeOverSqlAsync(logs.Server.OpenAsync, settings, null, ct);
        var files = LogAnalyzer.Analyze([logs.Server.LogDirectory], settings, null, ct);

        var read = Assert.Single(sql.Input.Files);
        Assert.Equal(Path.GetFileName(logs.LastFile), Path.GetFileName(read.Path));
        Assert.Equal(files.Input.Files.Count - 1, sql.Input.FilesOutsideRange);
        Assert.Equal(Logs.QueriesInRange, sql.Overview.Queries);
        Assert.Equal(Logs.QueriesInRange, files.Overview.Queries);
        Assert.Equal(Json(files.Queries), Json(sql.Queries));
        Assert.True(files.Input.FilteredOutEntries > sql.Input.FilteredOutEntries);

        var late = await Assert.ThrowsAsync<LogInputException>(() =>
            LogAnalyzer.AnalyzeOverSqlAsync(logs.Server.OpenAsync, settings with { From = DateTime.Now.AddDays(2) }, null, ct));
        Assert.StartsWith("No log file in the server's log directory 'log' was written to at or after", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportOverSql_StopsWhenCancelled()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var settings = new LogReportSettings { Jobs = 2, ChunkSize = 1 << 20, SqlBlockSize = 16 << 10, Prefix = LoggingServer.Prefix };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LogAnalyzer.AnalyzeOverSqlAsync(logs.Server.OpenAsync, settings, _ => cancel.Cancel(), cancel.Token));

        // The server is left with no statement of the report running.
        await using var connection = await logs.Server.OpenAsync(TestContext.Current.CancellationToken);
        await using var running = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_read_binary_file%' AND state = 'active' AND pid <> pg_backend_pid()", connection);
        Assert.Equal(0L, (long)(await running.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task RoleWithoutTheGrants_IsRefusedNamingThem_AndReadsOnceGranted()
    {
        var ct = TestContext.Current.CancellationToken;
        var role = "logreader_" + Guid.NewGuid().ToString("N")[..8];
        var password = PostgresFixture.NewPassword();
        await logs.Server.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password}'", ct);
        await using var connector = logs.Server.Connector(role, password);
        var operation = new LogReportOperation();
        const string Read = "pg_catalog.pg_read_binary_file(text, bigint, bigint)";

        var refused = await Assert.ThrowsAsync<OperationFailedException>(() =>
            OperationHarness.ExecuteAsync<LogReportDocument>(operation, new { source = "sql" }, connector, new RecordingEvents(), ct));
        Assert.Equal(
            $"Role {role} may not read the server's logs over SQL, which needs a superuser or a role with pg_monitor and EXECUTE on {Read}: " +
            $"as a superuser connected to database postgres, run GRANT pg_monitor TO {role} and GRANT EXECUTE ON FUNCTION {Read} TO {role}.", refused.Message);

        // pg_monitor alone lists the files and reads log_directory, but may not read them.
        await logs.Server.ExecuteAsync($"GRANT pg_monitor TO {role}", ct);
        refused = await Assert.ThrowsAsync<OperationFailedException>(() =>
            OperationHarness.ExecuteAsync<LogReportDocument>(operation, new { source = "sql" }, connector, new RecordingEvents(), ct));
        Assert.Equal(
            $"Role {role} may not read the server's logs over SQL, which needs a superuser or a role with pg_monitor and EXECUTE on {Read}: " +
            $"as a superuser connected to database postgres, run GRANT EXECUTE ON FUNCTION {Read} TO {role}.", refused.Message);

        await logs.Server.ExecuteAsync($"GRANT EXECUTE ON FUNCTION {Read} TO {role}", ct);
        var report = await OperationHarness.ExecuteAsync<LogReportDocument>(operation, new { source = "sql" }, connector, new RecordingEvents(), ct);
        var superuser = await LogAnalyzer.AnalyzeOverSqlAsync(logs.Server.OpenAsync, new LogReportSettings { Jobs = 1 }, null, ct);
        AssertSameReport(superuser, report);
    }

    [Fact]
    public async Task AbsoluteLogDirectory_OutsideTheDataDirectory_IsReadOverSql()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoggingServer.StartAsync(PostgresFixture.NewPassword(), "10MB", absoluteLogDirectory: true, ct);
        await server.RunWorkloadAsync(transactions: 50, ct);
        await server.QuietAsync(ct);
        var role = "logreader_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteAsync(
            $"CREATE ROLE {role} LOGIN PASSWORD 'reader'; GRANT pg_monitor TO {role}; " +
            $"GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint) TO {role}", ct);
        await server.WaitUntilStillAsync(ct);

        // Not a superuser: the server lets it read outside the data directory only under an absolute log_directory.
        var sql = await LogAnalyzer.AnalyzeOverSqlAsync(token => LoggingServer.OpenAsync(server.ConnectionString(role, "reader"), token), new LogReportSettings(), null, ct);
        var files = LogAnalyzer.Analyze([server.LogDirectory], new LogReportSettings { Prefix = LoggingServer.Prefix }, null, ct);

        Assert.All(sql.Input.Files, f => Assert.StartsWith(server.LogDirectory + "/", f.Path, StringComparison.Ordinal));
        Assert.True(sql.Overview.Queries > 100);
        AssertSameReport(files, sql);
    }

    /// <summary>
    /// The two reports as JSON, but for what legitimately differs: when and how fast (on how many threads) they were made, the
    /// source, the paths (in the files and the warnings).
    /// </summary>
    private static void AssertSameReport(LogReportDocument expected, LogReportDocument actual)
    {
        var (a, b) = (Comparable(expected), Comparable(actual));
        Assert.True(JsonNode.DeepEquals(a, b), $"the reports differ:\nexpected {a}\nactual {b}");
    }

    private static JsonNode Comparable(LogReportDocument report)
    {
        var node = JsonNode.Parse(Json(report))!;
        node.AsObject().Remove("generatedAt");
        var input = node["input"]!.AsObject();
        foreach (var name in new[] { "source", "elapsedMs", "threads" })
        {
            input.Remove(name);
        }

        var warnings = input["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        foreach (var file in input["files"]!.AsArray())
        {
            var path = file!["path"]!.GetValue<string>();
            file["path"] = Path.GetFileName(path);
            warnings = warnings.Select(w => w.Replace(path, Path.GetFileName(path), StringComparison.Ordinal)).ToList();
        }

        input["warnings"] = new JsonArray(warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());

        return node;
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, (JsonTypeInfo<T>)LogReportJson.Options.GetTypeInfo(typeof(T)));

    /// <summary>
    /// One server for the class: a workload rotated over several files (one of them also kept gzip), then nothing logged until
    /// <see cref="RangeStart"/>, then a last file with <see cref="QueriesInRange"/> statements, then nothing at all.
    /// </summary>
    public sealed class Logs : IAsyncLifetime
    {
        /// <summary>The SET that turns statement logging on for the session (logged at its end, with the new value) and 12 SELECTs.</summary>
        public const int QueriesInRange = 13;

        private LoggingServer? server;

        internal LoggingServer Server => server ?? throw new InvalidOperationException("not started");

        /// <summary>A time (as the log writes times) after the last change of every file but <see cref="LastFile"/>.</summary>
        public DateTime RangeStart { get; private set; }

        /// <summary>The file written after <see cref="RangeStart"/>.</summary>
        public string LastFile { get; private set; } = string.Empty;

        public async ValueTask InitializeAsync()
        {
            var ct = CancellationToken.None;
            server = await LoggingServer.StartAsync(PostgresFixture.NewPassword(), "2MB", absoluteLogDirectory: false, ct);
            await Server.RunWorkloadAsync(transactions: 400, ct);
            await Server.QuietAsync(ct);

            // A rotated file also kept compressed, as logrotate leaves them; readable by the server's OS user.
            var rotated = Directory.GetFiles(Server.LogDirectory).Order(StringComparer.Ordinal).First();
            var gzip = Path.Combine(Server.LogDirectory, "postgresql-archived.log.gz");
            await using (var input = File.OpenRead(rotated))
            await using (var output = File.Create(gzip))
            await using (var compress = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
            {
                await input.CopyToAsync(compress, ct);
            }

            // And one damaged in the middle: its reader stops there, and closes its stream over SQL early.
            var damaged = await File.ReadAllBytesAsync(gzip, ct);
            damaged.AsSpan(damaged.Length / 3, 256).Fill(0xff);
            var broken = Path.Combine(Server.LogDirectory, "postgresql-damaged.log.gz");
            await File.WriteAllBytesAsync(broken, damaged, ct);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(gzip, (UnixFileMode)0b110_100_100);
                File.SetUnixFileMode(broken, (UnixFileMode)0b110_100_100);
            }

            RangeStart = (await Server.LogClockAsync(ct)).AddSeconds(1);
            while (await Server.LogClockAsync(ct) <= RangeStart)
            {
                await Task.Delay(200, ct);
            }

            var before = Directory.GetFiles(Server.LogDirectory).ToHashSet(StringComparer.Ordinal);
            await using (var connection = await Server.OpenAsync(ct))
            {
                await using (var rotate = new NpgsqlCommand("SELECT pg_rotate_logfile()", connection))
                {
                    await rotate.ExecuteScalarAsync(ct);
                }

                await Server.WaitUntilStillAsync(ct);
                await using var statements = new NpgsqlCommand("SET log_min_duration_statement = 0", connection);
                await statements.ExecuteNonQueryAsync(ct);
                for (var i = 1; i < QueriesInRange; i++)
                {
                    statements.CommandText = $"SELECT {i} AS in_range";
                    await statements.ExecuteScalarAsync(ct);
                }
            }

            await Server.WaitUntilStillAsync(ct);
            LastFile = Assert.Single(Directory.GetFiles(Server.LogDirectory), f => !before.Contains(f));
        }

        public async ValueTask DisposeAsync()
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
