using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// <c>restore</c> with <c>overwrite</c> + <c>confirmCluster</c>, for real, over a throw-away cluster: the worker stops it,
/// restores its own data directory in place with pgBackRest, starts it, and the cluster serves (and backs up) again.
/// </summary>
public sealed class InPlaceRestoreTests(PostgresFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Restore_OverTheClusterItself_BringsBackTheDataAtTheTarget_AndTheClusterServesAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var worker = await cluster.CreateWorkerAsync(fixture, ct);
        await Db.ExecuteAsync(cluster.ConnectionString,
            "CREATE TABLE kept (batch int NOT NULL, n int NOT NULL); INSERT INTO kept SELECT 1, g FROM generate_series(1, 1000) g");
        // A FATAL line in the cluster's log (which lives in its data directory, so the backup has it, and the restore brings
        // it back): the run must report only what its own recovery wrote.
        var wrongPassword = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Password = "wrong" }.ConnectionString;
        await Assert.ThrowsAsync<PostgresException>(() => Db.OpenAsync(wrongPassword));
        var full = await worker.RunToSuccessAsync("backup", new { type = "full", configureArchiving = true }, RunTimeout);
        // Two commands: in one batch, both statements would share a transaction that commits after the restore point.
        await Db.ExecuteAsync(cluster.ConnectionString, "INSERT INTO kept SELECT 2, g FROM generate_series(1, 1000) g");
        await Db.ExecuteAsync(cluster.ConnectionString, "SELECT pg_create_restore_point('before-damage')");
        await Db.ExecuteAsync(cluster.ConnectionString, "DROP TABLE kept; CREATE TABLE made_after_the_target (id int)");
        await cluster.SwitchAndArchiveAsync(ct);

        var result = await worker.RunToSuccessAsync("restore", new { targetName = "before-damage", overwrite = true, confirmCluster = "demo" }, RunTimeout);

        Assert.True(result.GetProperty("overwrite").GetBoolean());
        var instance = result.GetProperty("instance");
        Assert.Equal(cluster.Server.DataDirectory, instance.GetProperty("dataDirectory").GetString());
        Assert.Equal(cluster.Server.Port, instance.GetProperty("port").GetInt32());
        Assert.Equal(full.GetProperty("backup").GetProperty("label").GetString(), result.GetProperty("backupSet").GetString());
        var reached = result.GetProperty("reached");
        Assert.Equal(2, reached.GetProperty("timeline").GetInt32());
        var recoveryLog = reached.GetProperty("recoveryLog").EnumerateArray().Select(l => l.GetString()!).ToArray();
        Assert.Contains(recoveryLog, line => line.Contains("recovery stopping at restore point \"before-damage\"", StringComparison.Ordinal));
        Assert.DoesNotContain(recoveryLog, line => line.Contains("password authentication failed", StringComparison.Ordinal));

        // The data is back as it was at the restore point, on the cluster's own address, and it takes writes again.
        Assert.Equal("1:1000,2:1000", await Db.ScalarAsync<string>(cluster.ConnectionString,
            "SELECT string_agg(batch || ':' || rows, ',' ORDER BY batch) FROM (SELECT batch, count(*) AS rows FROM kept GROUP BY batch) b"));
        Assert.True(await Db.ScalarAsync<bool>(cluster.ConnectionString, "SELECT to_regclass('made_after_the_target') IS NULL"));
        Assert.False(await Db.ScalarAsync<bool>(cluster.ConnectionString, "SELECT pg_is_in_recovery()"));
        await Db.ExecuteAsync(cluster.ConnectionString, "INSERT INTO kept VALUES (3, 1)");

        // And its WAL archiving works on the new timeline: the next backup passes pgbackrest check and builds on the full.
        var next = await worker.RunToSuccessAsync("backup", new { type = "incr" }, RunTimeout);
        Assert.Equal("unchanged", next.GetProperty("archiving").GetString());
        Assert.Equal(full.GetProperty("backup").GetProperty("label").GetString(), next.GetProperty("backup").GetProperty("prior").GetString());
    }
}
