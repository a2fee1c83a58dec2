using Npgsql;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>Small helpers for the tests' own SQL against the fixture's databases.</summary>
public static class Db
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Poll.UntilAsync(condition, timeout, what);

    /// <summary>
    /// The backends of runs in the database of <paramref name="connectionString"/>, with <paramref name="where"/> added (e.g.
    /// <c>"wait_event_type = 'Lock'"</c>): only that database's, since other tests' runs share the server.
    /// </summary>
    public static async Task<long> RunBackendsAsync(string connectionString, string? where = null) =>
        await ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'stackgres-ops/run/%'"
            + (where is null ? "" : " AND " + where));

    /// <summary>Waits until no run has a backend left in the database (a backend ends shortly after its client went away).</summary>
    public static Task WaitForNoRunBackendsAsync(string connectionString, string? where = null) =>
        WaitUntilAsync(async () => await RunBackendsAsync(connectionString, where) == 0, TimeSpan.FromSeconds(10), "the runs' backends to go away");

    /// <summary>An unpooled connection, so that nothing of a test lingers on the shared server.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
