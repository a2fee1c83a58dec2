using System.Security.Cryptography;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;

namespace StackGres.Ops.Worker.Demo;

/// <summary>
/// The demo's local PostgreSQL servers: one for the worker's own storage, and the cluster to maintain — a primary
/// with one streaming replica (a pgbench database with dead tuples). A leftover of an interrupted demo is taken
/// over and cleaned, so the demo can always run again.
/// </summary>
public sealed class DemoEnvironment : IAsyncDisposable
{
    public const string ClusterDatabase = "demo";
    public const string StorageDatabase = "stackgres_ops";
    public const string PasswordVariable = "OPS_DEMO_CLUSTER_PASSWORD";

    private DemoEnvironment(string root, LocalPostgresInstance storage, LocalCluster cluster)
    {
        Root = root;
        Storage = storage;
        Replicated = cluster;
    }

    public string Root { get; }
    public LocalPostgresInstance Storage { get; }

    /// <summary>The cluster 'demo': a primary and one replica.</summary>
    public LocalCluster Replicated { get; }

    /// <summary>The cluster's first primary.</summary>
    public LocalPostgresInstance Cluster => Replicated.Primary;

    public static async Task<DemoEnvironment> StartAsync(string root, CancellationToken cancellationToken)
    {
        var binaries = PostgresBinaries.Locate();
        Directory.CreateDirectory(root);
        // The same password for every start of this folder, so a leftover server can be taken over.
        var password = await ReadOrCreatePasswordAsync(Path.Combine(root, "password"), cancellationToken);
        var storage = await StartInstanceAsync(root, "storage", password, binaries, cancellationToken);
        try
        {
            var clusterRoot = Path.Combine(root, "cluster");
            await LocalClusterProvisioner.RemoveLeftoverAsync(clusterRoot, binaries, cancellationToken);
            var cluster = await LocalClusterProvisioner.StartAsync(
                new LocalClusterOptions { RootDirectory = clusterRoot, Replicas = 1, Password = password, Settings = ReportLogging.Settings }, binaries, cancellationToken);
            return new DemoEnvironment(root, storage, cluster);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    /// <summary>pgbench tables at the given scale, then 20% of the accounts updated with autovacuum off: dead tuples to vacuum.</summary>
    public async Task PrepareSampleDataAsync(int scale, CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(Storage, StorageDatabase, cancellationToken);
        await EnsureDatabaseAsync(Cluster, ClusterDatabase, cancellationToken);
        var pgbench = await Cluster.RunToolAsync("pgbench", ["-i", "-q", "-s", scale.ToString(System.Globalization.CultureInfo.InvariantCulture), ClusterDatabase], cancellationToken);
        if (!pgbench.Succeeded)
        {
            throw new InvalidOperationException($"pgbench -i failed: {pgbench.StandardError.Trim()}");
        }

        // Unpooled: the session ends here, so its statistics (the dead tuples) reach pg_stat_user_tables at once.
        var unpooled = new NpgsqlConnectionStringBuilder(Cluster.ConnectionString(ClusterDatabase)) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(unpooled))
        {
            await connection.OpenAsync(cancellationToken);
            await using var bloat = new NpgsqlCommand(
                """
                ALTER TABLE pgbench_accounts SET (autovacuum_enabled = off);
                ALTER TABLE pgbench_history SET (autovacuum_enabled = off);
                UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 5 = 0;
                """, connection);
            await bloat.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var check = new NpgsqlConnection(unpooled);
        await check.OpenAsync(cancellationToken);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var dead = new NpgsqlCommand(
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'pgbench_accounts'", check);
            await using var reader = await dead.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) > 0)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Replicated.DisposeAsync();
        await Storage.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static Task<LocalPostgresInstance> StartInstanceAsync(string root, string name, string password,
        PostgresBinaries binaries, CancellationToken cancellationToken) =>
        LocalPostgresInstance.StartAsync(new LocalInstanceOptions
        {
            DataDirectory = Path.Combine(root, name),
            Password = password,
            RelaxedDurability = true,
        }, binaries, cancellationToken);

    private static async Task EnsureDatabaseAsync(LocalPostgresInstance instance, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(instance.ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await instance.CreateDatabaseAsync(name, cancellationToken);
        }
    }

    private static async Task<string> ReadOrCreatePasswordAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        await File.WriteAllTextAsync(path, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return password;
    }
}
