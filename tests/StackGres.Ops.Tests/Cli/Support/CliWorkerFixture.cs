using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli.Support;

/// <summary>
/// A worker for the CLI tests: its storage and the cluster <c>demo</c> are two fresh databases of the
/// shared PostgreSQL server; <c>demo</c> holds a table with dead tuples. Configured as the README says:
/// <c>ConnectionStrings:Ops</c>, <c>Ops:Api:Token</c>, <c>Ops:Clusters:demo:*</c> with the password in an
/// environment variable named by <c>PasswordEnv</c>.
/// </summary>
public sealed class CliWorkerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const string Cluster = "demo";
    public const string BloatedTable = "bloated";
    public const string OtherTable = "other";

    private readonly string passwordVariable = "OPS_CLI_TESTS_PASSWORD_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private CliWorkerFactory? factory;

    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>The cluster database, for checking what a run really did.</summary>
    public string ClusterConnectionString { get; private set; } = string.Empty;

    public CliWorkerFactory Worker => factory ?? throw new InvalidOperationException("The worker has not started.");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var storage = await postgres.CreateDatabaseAsync("cli_ops", cancellationToken);
        ClusterConnectionString = await postgres.CreateDatabaseAsync("cli_demo", cancellationToken);
        await using (var connection = new NpgsqlConnection(ClusterConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var setup = new NpgsqlCommand(
                $"""
                 CREATE TABLE {BloatedTable} (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = off);
                 INSERT INTO {BloatedTable} SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
                 DELETE FROM {BloatedTable} WHERE id % 2 = 0;
                 CREATE TABLE {OtherTable} (id int PRIMARY KEY);
                 """, connection);
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        Environment.SetEnvironmentVariable(passwordVariable, postgres.Server.Password);
        var cluster = new NpgsqlConnectionStringBuilder(ClusterConnectionString);
        factory = new CliWorkerFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:Ops"] = storage,
            ["Ops:Api:Token"] = Token,
            [$"Ops:Clusters:{Cluster}:Host"] = postgres.Server.Host,
            [$"Ops:Clusters:{Cluster}:Port"] = postgres.Server.Port.ToString(CultureInfo.InvariantCulture),
            [$"Ops:Clusters:{Cluster}:Username"] = postgres.Server.Superuser,
            [$"Ops:Clusters:{Cluster}:Database"] = cluster.Database!,
            [$"Ops:Clusters:{Cluster}:PasswordEnv"] = passwordVariable,
            ["Ops:Executor:CancelPollInterval"] = "00:00:00.200",
            ["Ops:Scheduler:QueuePollInterval"] = "00:00:00.200",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        factory.StartServer();
    }

    /// <summary>A fresh table in the cluster database, for a test that locks or drops it.</summary>
    public async Task<string> CreateTableAsync(string prefix, CancellationToken cancellationToken)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var connection = new NpgsqlConnection(ClusterConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE TABLE {name} (id int PRIMARY KEY); INSERT INTO {name} VALUES (1)", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        Environment.SetEnvironmentVariable(passwordVariable, null);
    }
}
