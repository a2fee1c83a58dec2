using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.HealthCheck;

/// <summary>A local primary with one streaming replica, provisioned once for the health-check tests.</summary>
public sealed class HealthCheckClusterFixture : IAsyncLifetime
{
    private LocalCluster? cluster;

    public LocalCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster has not been provisioned.");

    public async ValueTask InitializeAsync()
    {
        cluster = await LocalClusterProvisioner.StartAsync(
            new LocalClusterOptions
            {
                RootDirectory = Path.Combine(Path.GetTempPath(), "stackgres-ops-health-" + Guid.NewGuid().ToString("N")),
                Replicas = 1,
                Password = PostgresFixture.NewPassword(),
            },
            PostgresBinaries.Locate(),
            CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    public IClusterConnector Connector(string database = "postgres") => new ClusterConnector(
        new ClusterConnection
        {
            Host = Cluster.Primary.Host,
            Port = Cluster.Primary.Port,
            Username = Cluster.Primary.Superuser,
            Database = database,
            SslMode = SslMode.Disable,
        },
        Cluster.Primary.Password,
        ApplicationNames.ForRun(Guid.NewGuid()));

    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await Cluster.Primary.CreateDatabaseAsync(name, ct);
        return name;
    }

    public Task<HealthCheckResult> RunAsync(object parameters, CancellationToken ct) =>
        OperationHarness.ExecuteAsync<HealthCheckResult>(new HealthCheckOperation(), parameters, Connector(), new RecordingEvents(), ct);

    public static async Task ExecuteAsync(LocalPostgresInstance instance, string database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(instance.ConnectionString(database)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
