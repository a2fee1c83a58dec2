using System.Diagnostics;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Vacuum;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Maintenance;

public sealed class VacuumOperationTests(PostgresFixture fixture)
{
    private static readonly VacuumOperation Vacuum = new();

    [Fact]
    public async Task NeededFull_ShrinksTheBloatedTable_AndLeavesTheHealthyOneAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_needed", ct);
        await bed.CreateBloatedTableAsync("bloated", 20_000, ct);
        await bed.CreateHealthyTableAsync("healthy", 20_000, ct);
        var bloatedBefore = await bed.TotalSizeAsync("bloated", ct);
        var healthyNode = await bed.FileNodeAsync("healthy", ct);

        var result = await bed.RunAsync<VacuumResult>(Vacuum, """{"target":"needed","full":true,"schemas":["public"]}""", ct);

        var table = Assert.Single(result.Tables);
        Assert.Equal(("bloated", OutcomeStatus.Done), (table.Table, table.Status));
        Assert.Contains(table.Reasons, r => r.StartsWith("estimated bloat", StringComparison.Ordinal));
        var bloatedAfter = await bed.TotalSizeAsync("bloated", ct);
        Assert.True(bloatedAfter < bloatedBefore / 2, $"{bloatedBefore} → {bloatedAfter}");
        Assert.Equal(bloatedBefore - bloatedAfter, table.BytesReclaimed);
        Assert.Equal(healthyNode, await bed.FileNodeAsync("healthy", ct));
        Assert.Equal(2, result.TablesConsidered);
    }

    [Fact]
    public async Task NeededFreeze_LowersTheXidAge_OfTablesOverTheThreshold()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_freeze", ct);
        await bed.CreateHealthyTableAsync("old_rows", 1_000, ct);
        await bed.ExecuteAsync("DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM pg_catalog.txid_current(); COMMIT; END LOOP; END $$", ct);
        var ageBefore = await bed.ScalarAsync<int>("SELECT age(relfrozenxid) FROM pg_class WHERE oid = 'old_rows'::regclass", ct);
        Assert.True(ageBefore >= 300, $"age {ageBefore}");

        var result = await bed.RunAsync<VacuumResult>(Vacuum,
            """{"target":"needed","freeze":true,"schemas":["public"],"xidAgeThreshold":250}""", ct);

        var table = Assert.Single(result.Tables);
        Assert.Contains("wraparound risk", table.Reasons[0], StringComparison.Ordinal);
        var ageAfter = await bed.ScalarAsync<int>("SELECT age(relfrozenxid) FROM pg_class WHERE oid = 'old_rows'::regclass", ct);
        Assert.True(ageAfter < 50, $"age {ageBefore} → {ageAfter}");
        Assert.InRange(table.XidAgeAfter!.Value, 0, ageAfter + 5);
    }

    [Fact]
    public async Task DryRun_PlansWithReasons_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_dry", ct);
        await bed.CreateBloatedTableAsync("bloated", 10_000, ct);
        var node = await bed.FileNodeAsync("bloated", ct);
        var size = await bed.TotalSizeAsync("bloated", ct);
        var dead = await bed.ScalarAsync<long>("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'bloated'", ct);

        var result = await bed.RunAsync<VacuumResult>(Vacuum, """{"target":"needed","full":true}""", ct, dryRun: true);

        var table = Assert.Single(result.Tables);
        Assert.Equal(OutcomeStatus.Planned, table.Status);
        Assert.NotEmpty(table.Reasons);
        Assert.True(table.EstimatedReclaimableBytes > size / 2);
        Assert.Equal(0, result.TablesVacuumed);
        Assert.Equal(node, await bed.FileNodeAsync("bloated", ct));
        Assert.Equal(size, await bed.TotalSizeAsync("bloated", ct));
        Assert.Equal(dead, await bed.ScalarAsync<long>("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'bloated'", ct));
    }

    [Fact]
    public async Task Needed_LeavesAFullTableAlone_WhenTheStatisticsCountersBeganAfterItsRows()
    {
        // What a promoted replica, or pg_stat_reset, shows: n_live_tup 0 for a full table, and the few
        // dead tuples since. Read as "0 live", every table with a dead tuple would look 100% bloated.
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_counters", ct);
        await bed.CreateHealthyTableAsync("full_table", 20_000, ct);
        await bed.ExecuteAsync("SELECT pg_stat_reset_single_table_counters('full_table'::regclass)", ct);
        await bed.ExecuteAsync("UPDATE full_table SET v = v + 1 WHERE id % 50 = 0", ct);
        for (var wait = 0; await bed.ScalarAsync<long>("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'full_table'", ct) == 0; wait++)
        {
            Assert.True(wait < 100, "the update's dead tuples never reached the statistics");
            await Task.Delay(100, ct);
        }

        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'full_table'", ct));

        var result = await bed.RunAsync<VacuumResult>(Vacuum, """{"target":"needed","full":true,"schemas":["public"]}""", ct, dryRun: true);

        Assert.True(result.Tables.Count == 0, string.Join("; ", result.Tables.SelectMany(t => t.Reasons)));
    }

    [Fact]
    public async Task NeededFull_RewritesASystemCatalog_OnlyWhenItsCountedRowsConfirmTheBloat()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_catalog", ct);
        const string Parameters = """{"target":"needed","full":true,"schemas":["pg_catalog"],"minSizeMb":0.1}""";
        // DDL adds pg_attribute rows of which the database's counters saw only these (the rest came with the
        // template): neither the estimate, which takes pg_class's count then, nor counting calls it bloated.
        await bed.ExecuteAsync(CreateTables("grown", 40, 20), ct);
        var estimated = await EstimateAsync(bed, "pg_attribute", ct);
        Assert.True(estimated < 0.5, $"estimated bloat {estimated}");

        var planned = await bed.RunAsync<VacuumResult>(Vacuum, Parameters, ct, dryRun: true);

        Assert.DoesNotContain(planned.Tables, t => t.Table == "pg_attribute");

        // Many tables created and dropped, their dead rows vacuumed away: the space stays, and counting confirms it.
        await bed.ExecuteAsync(CreateTables("dropped", 250, 30) + CreateTables("kept", 1, 2) +
                               string.Concat(Enumerable.Range(1, 250).Select(i => $"DROP TABLE dropped{i};")), ct);
        await bed.ExecuteAsync("VACUUM pg_catalog.pg_attribute", ct);
        var sizeBefore = await bed.TotalSizeAsync("pg_catalog.pg_attribute", ct);

        var result = await bed.RunAsync<VacuumResult>(Vacuum, Parameters, ct);

        var attribute = Assert.Single(result.Tables, t => t.Table == "pg_attribute");
        Assert.Equal(OutcomeStatus.Done, attribute.Status);
        Assert.Contains(attribute.Reasons, r => r.StartsWith("estimated bloat", StringComparison.Ordinal));
        var sizeAfter = await bed.TotalSizeAsync("pg_catalog.pg_attribute", ct);
        Assert.True(sizeAfter < sizeBefore / 2, $"{sizeBefore} → {sizeAfter}");
    }

    private static string CreateTables(string prefix, int count, int columns) => string.Concat(Enumerable.Range(1, count).Select(i =>
        $"CREATE TABLE {prefix}{i} ({string.Join(", ", Enumerable.Range(1, columns).Select(c => $"c{c} int"))});"));

    private static async Task<double> EstimateAsync(MaintenanceBed bed, string catalog, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(bed.ConnectionString);
        await connection.OpenAsync(ct);
        var stats = await TableStatsReader.ReadAsync(connection, null, ["pg_catalog"], ct);
        return NeedEvaluator.EstimateBloatRatio(stats.Single(t => t.Name == catalog)) ?? 0;
    }

    [Fact]
    public async Task LongVacuum_ReportsTheServersProgress_WhileTheStatementRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_progress", ct);
        await bed.CreateBloatedTableAsync("slow", 40_000, ct);
        // Cost-based delay (taken by the run's new sessions) makes the VACUUM last a few seconds.
        await bed.ExecuteAsync($"ALTER DATABASE {bed.Database} SET vacuum_cost_delay = '2ms'; ALTER DATABASE {bed.Database} SET vacuum_cost_limit = 1", ct);

        var result = await bed.RunAsync<VacuumResult>(Vacuum, """{"tables":["slow"]}""", ct);

        var table = Assert.Single(result.Tables);
        Assert.Equal(OutcomeStatus.Done, table.Status);
        Assert.True(table.DurationMs > 2 * ProgressPoller.DefaultInterval.TotalMilliseconds, $"the VACUUM took only {table.DurationMs} ms");
        var server = bed.Events.Progress.Where(p => p.Detail is { } detail && detail.StartsWith("vacuum: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(server);
        Assert.All(server, p =>
        {
            Assert.Equal("public.slow", p.Relation);
            Assert.InRange(p.RelationPercent ?? -1, 0, 100);
        });
        Assert.Contains(server, p => p.Detail == "vacuum: scanning heap" && p.RelationPercent is > 0 and < 100);
    }

    [Theory]
    [InlineData("ACCESS SHARE")]
    [InlineData("ACCESS EXCLUSIVE")] // an ALTER TABLE or a migration: even reading the table's size would wait
    public async Task LockHeldByAnotherSession_SkipsTheTableWithTheHolder_InsteadOfWaiting(string mode)
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_lock", ct);
        await bed.CreateBloatedTableAsync("busy", 2_000, ct);
        await bed.CreateBloatedTableAsync("free", 2_000, ct);
        await using var holder = new NpgsqlConnection(bed.ConnectionString);
        await holder.OpenAsync(ct);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE busy IN {mode} MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var clock = Stopwatch.StartNew();
        var result = await bed.RunAsync<VacuumResult>(Vacuum,
            """{"tables":["busy","free"],"full":true,"lockTimeout":"300ms","jobs":2}""", ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the run waited instead of skipping");
        var busy = Assert.Single(result.Tables, t => t.Table == "busy");
        Assert.Equal(OutcomeStatus.Skipped, busy.Status);
        Assert.Contains("lock not available within lock_timeout 300ms", busy.Detail, StringComparison.Ordinal);
        Assert.Contains($"pid {holder.ProcessID}", busy.Detail, StringComparison.Ordinal);
        Assert.Equal(OutcomeStatus.Done, Assert.Single(result.Tables, t => t.Table == "free").Status);
        Assert.Equal(1, result.TablesSkipped);
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith("skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostileIdentifiers_AreVacuumed_AndNamesCarryingSqlDoNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_hostile", ct);
        await bed.ExecuteAsync("CREATE SCHEMA \"Sch ema\"; CREATE TABLE t (id int PRIMARY KEY)", ct);
        await bed.CreateBloatedTableAsync("\"Sch ema\".\"x\"\"; DROP TABLE t; --\"", 2_000, ct);
        await bed.CreateBloatedTableAsync("\"Ünïcødé Täble\"", 2_000, ct);
        await bed.CreateBloatedTableAsync("\"UPPER\"", 2_000, ct);

        var result = await bed.RunAsync<VacuumResult>(Vacuum,
            """{"tables":["\"Sch ema\".\"x\"\"; DROP TABLE t; --\"","\"Ünïcødé Täble\"","\"UPPER\""],"full":true,"analyze":true}""", ct);

        Assert.Equal(3, result.TablesVacuumed);
        Assert.Contains(result.Tables, t => t.Schema == "Sch ema" && t.Table == "x\"; DROP TABLE t; --");
        Assert.All(result.Tables, t => Assert.True(t.BytesReclaimed > 0));
        var errors = await bed.PreflightAsync(Vacuum, """{"tables":["t; DROP TABLE t","t\"; DROP TABLE t; --"],"schemas":["x'; DROP TABLE t; --"]}""", ct);
        Assert.Equal(3, errors.Count);
        Assert.Equal(1L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 't' AND relkind = 'r'", ct));
    }

    [Fact]
    public async Task Cancellation_StopsTheRun_AndReportsWhatWasDone()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vac_cancel", ct);
        await bed.CreateBloatedTableAsync("locked", 2_000, ct);
        await using var holder = new NpgsqlConnection(bed.ConnectionString);
        await holder.OpenAsync(ct);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE locked IN ACCESS SHARE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));
        var run = bed.RunAsync<VacuumResult>(Vacuum, """{"tables":["locked"],"full":true,"lockTimeout":"0"}""", cancel.Token);

        var cancelled = await Assert.ThrowsAsync<StackGres.Ops.Jobs.Operations.OperationCancelledException>(() => run);
        Assert.IsType<VacuumResult>(cancelled.PartialResult);
        // The server statement was cancelled: nothing of the run waits on the lock any more.
        await Task.Delay(200, ct);
        Assert.Equal(0L, await bed.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stackgres-ops/run/{bed.RunId:N}' AND state = 'active'", ct));
    }
}
