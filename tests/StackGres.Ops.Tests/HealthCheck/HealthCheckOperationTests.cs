using Npgsql;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.HealthCheck;

public sealed class HealthCheckOperationTests(HealthCheckClusterFixture fixture) : IClassFixture<HealthCheckClusterFixture>
{
    private static readonly string[] AllChecks =
    [
        ReplicationLagCheck.CheckName, ReplicationSlotCheck.CheckName, WraparoundCheck.CheckName, SessionCheck.LongTransactionCheck,
        SessionCheck.IdleInTransactionCheck, ConnectionCheck.CheckName, DiskCheck.DataCheck, DiskCheck.WalCheck,
        RelationCheck.TableBloatCheck, RelationCheck.IndexBloatCheck, RelationCheck.InvalidIndexCheck,
    ];

    [Fact]
    public async Task HealthyCluster_GivesOnlyOkFindings_FromEveryCheck()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await fixture.CreateDatabaseAsync("healthy", ct);
        await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, database,
            "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g; ANALYZE items",
            ct);

        var result = await fixture.RunAsync(new { databases = new[] { database } }, ct);

        Assert.All(result.Findings, f => Assert.True(f.Severity == HealthSeverity.Ok, $"{f.Check} {f.Object}: {f.Message}"));
        Assert.Equal(HealthSeverity.Ok, result.Worst);
        Assert.Subset(result.Findings.Select(f => f.Check).ToHashSet(StringComparer.Ordinal), AllChecks.ToHashSet(StringComparer.Ordinal));
        var replica = Assert.Single(result.Findings, f => f.Check == ReplicationLagCheck.CheckName);
        Assert.StartsWith("pg1", replica.Object, StringComparison.Ordinal);
        Assert.Contains(result.Findings, f => f.Check == ReplicationSlotCheck.CheckName && f.Object == "pg1");
    }

    [Fact]
    public async Task PausedReplay_GivesReplicationLagFinding()
    {
        var ct = TestContext.Current.CancellationToken;
        var replica = fixture.Cluster.Replicas[0].Instance;
        var database = await fixture.CreateDatabaseAsync("lag", ct);
        await HealthCheckClusterFixture.ExecuteAsync(replica, "postgres", "SELECT pg_wal_replay_pause()", ct);
        try
        {
            await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, database,
                "CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g", ct);

            var result = await fixture.RunAsync(new { databases = new[] { database }, replicationLagWarningMb = 1 }, ct);

            var lag = Assert.Single(result.Findings, f => f.Check == ReplicationLagCheck.CheckName);
            Assert.Equal(HealthSeverity.Warning, lag.Severity);
            Assert.True(lag.Value >= 1024 * 1024, lag.Message);
            Assert.StartsWith("pg1", lag.Object, StringComparison.Ordinal);
        }
        finally
        {
            await HealthCheckClusterFixture.ExecuteAsync(replica, "postgres", "SELECT pg_wal_replay_resume()", CancellationToken.None);
        }

        // Once replay resumes the replica catches up and the finding clears.
        HealthFinding? after = null;
        for (var attempt = 0; attempt < 100 && after?.Severity != HealthSeverity.Ok; attempt++)
        {
            await Task.Delay(100, ct);
            var result = await fixture.RunAsync(new { databases = new[] { database }, replicationLagWarningMb = 1 }, ct);
            after = Assert.Single(result.Findings, f => f.Check == ReplicationLagCheck.CheckName);
        }

        Assert.Equal(HealthSeverity.Ok, after?.Severity);
    }

    [Fact]
    public async Task InactiveSlot_GivesSlotRetentionFinding()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await fixture.CreateDatabaseAsync("slot", ct);
        await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, "postgres",
            "SELECT pg_create_physical_replication_slot('forgotten', true)", ct);
        try
        {
            await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, database,
                "CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g", ct);

            var result = await fixture.RunAsync(new { databases = new[] { database }, slotRetentionWarningMb = 1 }, ct);

            var slot = Assert.Single(result.Findings, f => f.Check == ReplicationSlotCheck.CheckName && f.Object == "forgotten");
            Assert.Equal(HealthSeverity.Warning, slot.Severity);
            Assert.StartsWith("inactive physical slot", slot.Message, StringComparison.Ordinal);
            Assert.True(slot.Value >= 1024 * 1024, slot.Message);
        }
        finally
        {
            await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, "postgres",
                "SELECT pg_drop_replication_slot('forgotten')", CancellationToken.None);
        }
    }

    [Fact]
    public async Task BloatedTable_GivesTableBloatFinding()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await fixture.CreateDatabaseAsync("bloat", ct);
        await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, database,
            """
            CREATE TABLE bloated (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false);
            INSERT INTO bloated SELECT g, repeat('x', 100) FROM generate_series(1, 60000) g;
            DELETE FROM bloated WHERE id % 5 <> 0;
            """, ct);
        await HealthCheckClusterFixture.ExecuteAsync(fixture.Cluster.Primary, database, "VACUUM ANALYZE bloated", ct);

        var result = await fixture.RunAsync(new { databases = new[] { database }, bloatMinSizeMb = 1 }, ct);

        var bloat = Assert.Single(result.Findings, f => f.Check == RelationCheck.TableBloatCheck && f.Database == database);
        Assert.Equal("public.bloated", bloat.Object);
        Assert.Equal(HealthSeverity.Critical, bloat.Severity);
        Assert.InRange(bloat.Value ?? 0, 0.6, 0.9);
    }

    [Fact]
    public async Task IdleInTransactionSession_GivesFinding_WithItsPid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var idle = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(fixture.Cluster.Primary.ConnectionString()) { Pooling = false }.ConnectionString);
        await idle.OpenAsync(ct);
        await using var transaction = await idle.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("SELECT pg_backend_pid()", idle, transaction))
        {
            var pid = (int)(await command.ExecuteScalarAsync(ct))!;
            await Task.Delay(1500, ct);

            var result = await fixture.RunAsync(new { databases = new[] { "postgres" }, idleInTransactionWarningSeconds = 1 }, ct);

            var finding = Assert.Single(result.Findings, f => f.Check == SessionCheck.IdleInTransactionCheck);
            Assert.Equal(HealthSeverity.Warning, finding.Severity);
            Assert.Equal("pid " + pid, finding.Object);
            Assert.Contains("idle in a transaction", finding.Message, StringComparison.Ordinal);
        }

        await transaction.RollbackAsync(ct);
    }

    [Fact]
    public void Validate_RefusesWarningAboveCritical()
    {
        var errors = new List<string>();
        OperationHarness.Parse(new HealthCheckOperation(), new { idleInTransactionWarningSeconds = 900, idleInTransactionCriticalSeconds = 600 }, errors);
        Assert.Equal(["Parameter 'idleInTransactionWarningSeconds' must not be above 'idleInTransactionCriticalSeconds'."], errors);
    }

    [Fact]
    public async Task Preflight_RefusesAMissingDatabase()
    {
        var errors = await OperationHarness.PreflightAsync(new HealthCheckOperation(), new { databases = new[] { "no_such_db" } },
            fixture.Connector(), TestContext.Current.CancellationToken);
        Assert.Equal(["Database 'no_such_db' does not exist on the cluster."], errors);
    }
}
