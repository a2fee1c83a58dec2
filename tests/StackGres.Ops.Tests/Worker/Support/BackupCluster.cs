using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>
/// A throw-away PostgreSQL server of its own for backups through the worker (pgBackRest backs up a whole server,
/// so the shared fixture's server will not do), with a POSIX repository in the same temporary folder. It starts
/// with <c>archive_mode = on</c> and no archive_command, so the first backup with <c>configureArchiving</c> only
/// sets the command and reloads. Its password is the fixture's, so a <see cref="WorkerFactory"/> created on
/// <see cref="ConnectionString"/> reaches it with its own password variable.
/// </summary>
public sealed class BackupCluster : IAsyncDisposable
{
    public const string Database = "app";

    private BackupCluster(string root, LocalPostgresInstance server, string pgCtl)
    {
        Root = root;
        Server = server;
        PgCtl = pgCtl;
    }

    public string Root { get; }

    public LocalPostgresInstance Server { get; }

    public string PgCtl { get; }

    public string Repository => Path.Combine(Root, "repo");

    /// <summary>The cluster's database, unpooled.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(Server.ConnectionString(Database)) { Pooling = false }.ConnectionString;

    public static async Task<BackupCluster> StartAsync(PostgresFixture fixture, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-backup-api-" + Guid.NewGuid().ToString("N")[..12]);
        var binaries = PostgresBinaries.Locate();
        try
        {
            var server = await LocalPostgresInstance.StartAsync(new LocalInstanceOptions
            {
                DataDirectory = Path.Combine(root, "data"),
                Password = fixture.Server.Password,
                Settings = new Dictionary<string, string> { ["archive_mode"] = "on" },
            }, binaries, cancellationToken);
            await server.CreateDatabaseAsync(Database, cancellationToken);
            return new BackupCluster(root, server, binaries.Tool("pg_ctl"));
        }
        catch
        {
            DeleteRoot(root);
            throw;
        }
    }

    /// <summary>A worker whose cluster "demo" is this server, with its data directory, pg_ctl and repository configured.</summary>
    public async Task<WorkerFactory> CreateWorkerAsync(PostgresFixture fixture, CancellationToken cancellationToken)
    {
        var worker = await WorkerFactory.CreateAsync(fixture, cancellationToken, clusterConnectionString: Server.ConnectionString(Database));
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        return worker.WithSetting($"{key}:SslMode", "Disable")
            .WithSetting($"{key}:DataDirectory", Server.DataDirectory)
            .WithSetting($"{key}:PgCtl", PgCtl)
            .WithSetting($"{key}:Backup:Path", Repository)
            .WithSetting($"{key}:Backup:RetentionFull", "2");
    }

    /// <summary>Switches to a new WAL segment and waits until the server has archived the one it left.</summary>
    public async Task SwitchAndArchiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Db.OpenAsync(ConnectionString);
        await WalArchive.SwitchAndWaitAsync(connection, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Server.DisposeAsync();
        }
        finally
        {
            DeleteRoot(Root);
        }
    }

    private static void DeleteRoot(string root)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
