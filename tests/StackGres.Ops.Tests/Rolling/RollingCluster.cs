using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>A local primary with two streaming replicas for one test, and ways to look at its instances.</summary>
public sealed class RollingCluster : IAsyncDisposable
{
    private RollingCluster(LocalCluster cluster) => Cluster = cluster;

    public LocalCluster Cluster { get; }

    public IReadOnlyList<ClusterInstance> Instances => Cluster.ToInstances();

    public string Password => Cluster.Primary.Password;

    public static async Task<RollingCluster> StartAsync(CancellationToken cancellationToken) =>
        new(await LocalClusterProvisioner.StartAsync(
            new LocalClusterOptions
            {
                RootDirectory = Path.Combine(Path.GetTempPath(), "stackgres-ops-roll-" + Guid.NewGuid().ToString("N")),
                Replicas = 2,
                Password = PostgresFixture.NewPassword(),
            },
            PostgresBinaries.Locate(),
            cancellationToken));

    /// <summary>The cluster as the inventory gives it to the runner: every instance, connections to the writable one.</summary>
    public ClusterConnection Connection => new()
    {
        Name = "rolled",
        Host = string.Join(',', Instances.Select(i => $"{i.Host}:{i.Port}")),
        Username = Cluster.Primary.Superuser,
        SslMode = SslMode.Disable,
        Instances = Instances,
    };

    public ClusterConnector Connector() => new(Connection, Password, ApplicationNames.ForRun(Guid.NewGuid()));

    public string ConnectionString(ClusterInstance instance, string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = instance.Host,
        Port = instance.Port,
        Username = Cluster.Primary.Superuser,
        Password = Password,
        Database = database,
        Pooling = false,
        Timeout = 2,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>The postmaster's pid; null when the server is down.</summary>
    public static int? PostmasterPid(ClusterInstance instance) => PgCtl.RunningPostmasterPid(instance.Local!.DataDirectory);

    public async Task<T?> ScalarAsync<T>(ClusterInstance instance, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(instance));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T?)await command.ExecuteScalarAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
