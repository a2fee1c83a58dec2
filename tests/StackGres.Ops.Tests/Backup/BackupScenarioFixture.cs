using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>
/// A source cluster with archiving off at first, a POSIX repository in a temporary folder, and a known history:
/// batch 1, full backup (which turns archiving on and restarts the server), batch 2, differential backup,
/// a moment noted (its time, its WAL position and a restore point), batch 3, a table dropped, the WAL switched and archived.
/// </summary>
public sealed class BackupScenarioFixture : IAsyncLifetime
{
    public const string ClusterName = "pitr";
    public const string Database = "app";
    public const int RowsPerBatch = 1000;
    public const int DoomedRows = 100;
    public const string RestorePoint = "before-batch-3";

    private LocalPostgresInstance? source;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-backup-" + Guid.NewGuid().ToString("N")[..12]);

    public LocalPostgresInstance Source => source ?? throw new InvalidOperationException("not started");

    public ClusterConnection Cluster { get; private set; } = null!;

    public DateTimeOffset BeforeBackups { get; private set; }

    /// <summary>A moment after batch 2 committed and before batch 3 did.</summary>
    public DateTimeOffset BetweenBatchTwoAndThree { get; private set; }

    /// <summary>The WAL position at that moment, where the restore point <see cref="RestorePoint"/> was also created.</summary>
    public string LsnBetweenBatchTwoAndThree { get; private set; } = string.Empty;

    public BackupResult Full { get; private set; } = null!;

    public BackupResult Differential { get; private set; } = null!;

    public RecordingEvents FullEvents { get; } = new();

    public string PgCtlPath { get; private set; } = string.Empty;

    public ClusterConnector Connector(ClusterConnection? cluster = null) => new(cluster ?? Cluster, Source.Password, "stackgres-ops-tests");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var binaries = PostgresBinaries.Locate();
        PgCtlPath = binaries.Tool("pg_ctl");
        source = await LocalPostgresInstance.StartAsync(
            new LocalInstanceOptions { DataDirectory = Path.Combine(Root, "source", "data"), Password = PostgresFixture.NewPassword() },
            binaries, ct);
        await source.CreateDatabaseAsync(Database, ct);
        Cluster = new ClusterConnection
        {
            Name = ClusterName,
            Host = source.Host,
            Port = source.Port,
            Username = source.Superuser,
            Database = Database,
            SslMode = SslMode.Disable,
            Local = new LocalServer { DataDirectory = source.DataDirectory, PgCtl = PgCtlPath },
            Backup = new BackupRepository { Path = Path.Combine(Root, "repo"), RetentionFull = 2 },
        };

        await ExecuteAsync("CREATE TABLE batches (batch int NOT NULL, n int NOT NULL, PRIMARY KEY (batch, n)); " +
                           $"CREATE TABLE doomed AS SELECT g AS id FROM generate_series(1, {DoomedRows}) g", ct);
        BeforeBackups = await NowAsync(ct);
        await InsertBatchAsync(1, ct);
        Full = await OperationHarness.ExecuteAsync<BackupResult>(new BackupOperation(),
            new { type = "full", configureArchiving = true }, Connector(), FullEvents, ct);
        await InsertBatchAsync(2, ct);
        Differential = await OperationHarness.ExecuteAsync<BackupResult>(new BackupOperation(), new { type = "diff" }, Connector(), new RecordingEvents(), ct);
        await Task.Delay(TimeSpan.FromMilliseconds(600), ct);
        BetweenBatchTwoAndThree = await NowAsync(ct);
        LsnBetweenBatchTwoAndThree = await MarkAsync(ct);
        await Task.Delay(TimeSpan.FromMilliseconds(600), ct);
        await InsertBatchAsync(3, ct);
        await ExecuteAsync("DROP TABLE doomed", ct);
        await SwitchAndArchiveAsync(ct);
    }

    public async Task<NpgsqlConnection> OpenAsync(string host, int port, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(Source.ConnectionString(Database)) { Host = host, Port = port, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (source is not null)
            {
                await source.DisposeAsync();
            }
        }
        finally
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }

    private async Task InsertBatchAsync(int batch, CancellationToken ct) =>
        await ExecuteAsync($"INSERT INTO batches SELECT {batch}, g FROM generate_series(1, {RowsPerBatch}) g", ct);

    private async Task SwitchAndArchiveAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(Source.Host, Source.Port, ct);
        await WalArchive.SwitchAndWaitAsync(connection, ct);
    }

    /// <summary>Creates the restore point and returns the WAL position it was written at (pg_create_restore_point's).</summary>
    private async Task<string> MarkAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(Source.Host, Source.Port, ct);
        await using var command = new NpgsqlCommand("SELECT pg_create_restore_point($1)::text", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = RestorePoint });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(Source.Host, Source.Port, ct);
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = await OpenAsync(Source.Host, Source.Port, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
