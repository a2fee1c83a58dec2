using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Clusters;

public sealed class LocalPostgresInstanceTests(PostgresFixture fixture)
{
    [Fact]
    public async Task CreateDatabase_AcceptsConnections_WhenServerIsRunning()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await fixture.CreateDatabaseAsync("roundtrip", ct);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var create = new NpgsqlCommand("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two')", connection))
        {
            Assert.Equal(2, await insert.ExecuteNonQueryAsync(ct));
        }

        await using var select = new NpgsqlCommand("SELECT name FROM items WHERE id = 2", connection);
        Assert.Equal("two", await select.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task RunTool_PgbenchInitializes_WhenScaleIsOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await fixture.CreateDatabaseAsync("pgbench", ct);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;

        var result = await fixture.Server.RunToolAsync("pgbench", ["-i", "-s", "1", database], ct);

        Assert.True(result.ExitCode == 0, $"pgbench failed ({result.ExitCode}): {result.StandardError}");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pgbench_accounts", connection);
        Assert.Equal(100_000L, await count.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task Connect_IsRefused_WhenPasswordIsWrong()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = new NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString())
        {
            Password = "wrong-" + PostgresFixture.NewPassword(),
            Pooling = false,
        };

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync(ct));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task StartAsync_RunsIndependentInstance_AndDisposeRemovesData()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-" + Guid.NewGuid().ToString("N"));
        var dataDirectory = Path.Combine(root, "data");
        try
        {
            var options = new LocalInstanceOptions { DataDirectory = dataDirectory, Password = PostgresFixture.NewPassword() };
            var second = await LocalPostgresInstance.StartAsync(options, PostgresBinaries.Locate(), ct);
            await using (second)
            {
                Assert.NotEqual(fixture.Server.Port, second.Port);
                Assert.Equal(Path.GetFullPath(dataDirectory), second.DataDirectory);

                await using var connection = new NpgsqlConnection(second.ConnectionString());
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT current_setting('port')::int", connection);
                Assert.Equal(second.Port, await command.ExecuteScalarAsync(ct));
            }

            Assert.False(Directory.Exists(dataDirectory), "the data directory should be removed on dispose");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
