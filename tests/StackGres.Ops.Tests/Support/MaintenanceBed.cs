using System.Text.Json;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations;
using Xunit;

namespace StackGres.Ops.Tests.Support;

/// <summary>
/// A fresh database on the shared server and the means to run operations against it the way the job
/// runner does: parameters parsed and validated, pre-flight checked, executed with recorded events.
/// </summary>
public sealed class MaintenanceBed
{
    private MaintenanceBed(PostgresFixture fixture, string database)
    {
        Fixture = fixture;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString(database)) { Pooling = false }.ConnectionString;
    }

    public PostgresFixture Fixture { get; }
    public string Database { get; }
    public string ConnectionString { get; }
    public Guid RunId { get; } = Guid.NewGuid();
    public RecordingEvents Events { get; } = new();

    public static async Task<MaintenanceBed> CreateAsync(PostgresFixture fixture, string prefix, CancellationToken ct)
    {
        var database = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync(prefix, ct)).Database!;
        return new MaintenanceBed(fixture, database);
    }

    /// <summary>A bed on a database whose name the caller chooses (hostile names included).</summary>
    public static async Task<MaintenanceBed> CreateNamedAsync(PostgresFixture fixture, string database, CancellationToken ct)
    {
        await fixture.Server.CreateDatabaseAsync(database, ct);
        return new MaintenanceBed(fixture, database);
    }

    public ClusterConnector Connector() => new ClusterConnector(
        new ClusterConnection
        {
            Host = Fixture.Server.Host,
            Port = Fixture.Server.Port,
            Username = Fixture.Server.Superuser,
            Database = Database,
            SslMode = SslMode.Disable,
        },
        Fixture.Server.Password,
        ApplicationNames.ForRun(RunId));

    /// <summary>Parses, validates and pre-flights; returns the errors the API would answer 400 with.</summary>
    public async Task<List<string>> PreflightAsync(IOperation operation, string parametersJson, CancellationToken ct)
    {
        var errors = new List<string>();
        var values = ParameterParser.Parse(operation, JsonDocument.Parse(parametersJson).RootElement, errors);
        operation.Validate(values, errors);
        if (errors.Count == 0)
        {
            await using var connector = Connector();
            await operation.PreflightAsync(values, connector, errors, ct);
        }

        return errors;
    }

    public async Task<T> RunAsync<T>(IOperation operation, string parametersJson, CancellationToken ct, bool dryRun = false)
    {
        var errors = await PreflightAsync(operation, parametersJson, ct);
        Assert.True(errors.Count == 0, string.Join(" ", errors));
        var values = ParameterParser.Parse(operation, JsonDocument.Parse(parametersJson).RootElement, errors);
        await using var connector = Connector();
        var context = new OperationContext(RunId, dryRun, connector, Events);
        return (T)await operation.ExecuteAsync(values, context, ct);
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(ct);
        // Make the cumulative statistics (n_live_tup, n_dead_tup) visible to other sessions now.
        await using var flush = new NpgsqlCommand("SELECT pg_catalog.pg_stat_force_next_flush()", connection);
        await flush.ExecuteNonQueryAsync(ct);
        await using var idle = new NpgsqlCommand("SELECT 1", connection);
        await idle.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Polls <paramref name="countSql"/> until it counts a row or <paramref name="run"/> ends; fails the test after a minute.</summary>
    public Task WaitForRowsAsync(string countSql, Task run, string what, CancellationToken ct) =>
        Poll.UntilAsync(async () => await ScalarAsync<long>(countSql, ct) > 0 || run.IsCompleted, TimeSpan.FromSeconds(60), $"{what} to start",
            TimeSpan.FromMilliseconds(10));

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A table with a primary key and one more index, 80% of its rows updated twice then deleted.</summary>
    public Task CreateBloatedTableAsync(string quotedName, int rows, CancellationToken ct) => ExecuteAsync(
        $"""
         CREATE TABLE {quotedName} (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
         INSERT INTO {quotedName} SELECT g, g, repeat('p', 60) FROM generate_series(1, {rows}) g;
         CREATE INDEX ON {quotedName} (v);
         UPDATE {quotedName} SET v = v + 1 WHERE id % 5 <> 0;
         UPDATE {quotedName} SET v = v + 1 WHERE id % 5 <> 0;
         DELETE FROM {quotedName} WHERE id % 5 <> 0;
         """, ct);

    public Task CreateHealthyTableAsync(string quotedName, int rows, CancellationToken ct) => ExecuteAsync(
        $"""
         CREATE TABLE {quotedName} (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
         INSERT INTO {quotedName} SELECT g, g, repeat('p', 60) FROM generate_series(1, {rows}) g;
         CREATE INDEX ON {quotedName} (v);
         ANALYZE {quotedName};
         """, ct);

    public Task<long> TotalSizeAsync(string quotedName, CancellationToken ct) =>
        ScalarAsync<long>($"SELECT pg_total_relation_size('{quotedName.Replace("'", "''", StringComparison.Ordinal)}'::regclass)", ct);

    public Task<uint> FileNodeAsync(string quotedName, CancellationToken ct) =>
        ScalarAsync<uint>($"SELECT pg_relation_filenode('{quotedName.Replace("'", "''", StringComparison.Ordinal)}'::regclass)", ct);
}
