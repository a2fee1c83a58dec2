using Npgsql;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Reindex;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Maintenance;

public sealed class ReindexOperationTests(PostgresFixture fixture)
{
    private static readonly ReindexOperation Reindex = new();

    private static async Task CreateBloatedIndexesAsync(MaintenanceBed bed, CancellationToken ct)
    {
        await bed.ExecuteAsync(
            """
            CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL);
            INSERT INTO items SELECT g, g FROM generate_series(1, 100000) g;
            CREATE INDEX "Items V" ON items (v);
            DELETE FROM items WHERE id % 10 <> 0;
            CREATE TABLE tidy (id int PRIMARY KEY);
            INSERT INTO tidy SELECT generate_series(1, 100000);
            """, ct);
        await bed.ExecuteAsync("VACUUM items", ct);
    }

    [Fact]
    public async Task Needed_RebuildsTheBloatedIndexes_IntoNewValidSmallerFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rx_bloat", ct);
        await CreateBloatedIndexesAsync(bed, ct);
        var nodeBefore = await bed.FileNodeAsync("\"Items V\"", ct);
        var tidyNode = await bed.FileNodeAsync("tidy_pkey", ct);

        var result = await bed.RunAsync<ReindexResult>(Reindex, "{}", ct);

        Assert.Equal(["Items V", "items_pkey"], result.Indexes.Select(i => i.Index).Order(StringComparer.Ordinal));
        Assert.All(result.Indexes, i =>
        {
            Assert.Equal(OutcomeStatus.Done, i.Status);
            Assert.True(i.ValidAfter);
            Assert.NotEqual(i.FileNodeBefore, i.FileNodeAfter);
            Assert.True(i.SizeAfterBytes < i.SizeBeforeBytes / 2, $"{i.Index}: {i.SizeBeforeBytes} → {i.SizeAfterBytes}");
        });
        Assert.NotEqual(nodeBefore, await bed.FileNodeAsync("\"Items V\"", ct));
        Assert.True(await bed.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"Items V\"'::regclass", ct));
        Assert.Equal(tidyNode, await bed.FileNodeAsync("tidy_pkey", ct));
    }

    [Fact]
    public async Task Invalid_RebuildsInvalidIndexes_AndDropsLeftOverCcnewIndexes()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rx_invalid", ct);
        await bed.ExecuteAsync(
            """
            CREATE TABLE t (id int PRIMARY KEY, v int);
            INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;
            CREATE INDEX broken ON t (v);
            CREATE INDEX t_v_idx_ccnew ON t (v);
            UPDATE pg_index SET indisvalid = false WHERE indexrelid IN ('broken'::regclass, 't_v_idx_ccnew'::regclass);
            """, ct);

        var result = await bed.RunAsync<ReindexResult>(Reindex, """{"target":"invalid"}""", ct);

        Assert.Equal([$"{bed.Database}.public.t_v_idx_ccnew"], result.LeftoversDropped);
        var broken = Assert.Single(result.Indexes);
        Assert.Equal(("broken", false, true), (broken.Index, broken.ValidBefore, broken.ValidAfter));
        Assert.True(await bed.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'broken'::regclass", ct));
        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 't_v_idx_ccnew'", ct));
    }

    [Fact]
    public async Task DryRun_ListsTheIndexesAndLeftOvers_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rx_dry", ct);
        await CreateBloatedIndexesAsync(bed, ct);
        await bed.ExecuteAsync("CREATE INDEX x_ccnew ON tidy (id); UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'x_ccnew'::regclass", ct);
        var node = await bed.FileNodeAsync("\"Items V\"", ct);

        var result = await bed.RunAsync<ReindexResult>(Reindex, "{}", ct, dryRun: true);

        Assert.Equal(2, result.Indexes.Count);
        Assert.All(result.Indexes, i => Assert.Equal(OutcomeStatus.Planned, i.Status));
        Assert.Empty(result.LeftoversDropped);
        Assert.Contains(bed.Events.Logs, l => l.Message.Contains("would drop the left-over invalid index", StringComparison.Ordinal));
        Assert.Equal(node, await bed.FileNodeAsync("\"Items V\"", ct));
        Assert.Equal(1L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'x_ccnew'", ct));
    }

    [Fact]
    public async Task WriterHoldingTheTable_ReportsServerProgress_ThenSkips_AndLeavesNoCcnewIndex()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rx_lock", ct);
        await bed.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int); CREATE INDEX \"V idx\" ON t (v); INSERT INTO t VALUES (1, 1)", ct);
        await using var writer = new NpgsqlConnection(bed.ConnectionString);
        await writer.OpenAsync(ct);
        await using var transaction = await writer.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand("INSERT INTO t VALUES (2, 2)", writer, transaction))
        {
            await insert.ExecuteNonQueryAsync(ct);
        }

        // The writer commits after the rebuild gave up: the clean-up of its '_ccnew' copy can then go through.
        var commit = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4), ct);
            await transaction.CommitAsync(ct);
        }, ct);
        var result = await bed.RunAsync<ReindexResult>(Reindex, """{"indexes":["\"V idx\""],"lockTimeout":"2500ms"}""", ct);
        await commit;

        var index = Assert.Single(result.Indexes);
        Assert.Equal(OutcomeStatus.Skipped, index.Status);
        Assert.Contains("lock not available within lock_timeout 2500ms", index.Detail, StringComparison.Ordinal);
        Assert.Contains(bed.Events.Progress, p => p.Detail is { } detail && detail.StartsWith("waiting for", StringComparison.Ordinal));
        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE '%ccnew%'", ct));
        Assert.Single(result.LeftoversDropped);
    }

    [Fact]
    public async Task Cancelled_Rebuild_LeavesNoCcnewIndex_AndTheIndexValid()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rx_cancel", ct);
        await bed.ExecuteAsync(
            """
            CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL);
            INSERT INTO big SELECT g, g FROM generate_series(1, 1500000) g;
            CREATE INDEX "Big V" ON big (v);
            """, ct);
        var node = await bed.FileNodeAsync("\"Big V\"", ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = bed.RunAsync<ReindexResult>(Reindex, """{"indexes":["\"Big V\""]}""", cancel.Token);
        // Cancel while REINDEX CONCURRENTLY builds its '_ccnew' copy.
        await bed.WaitForRowsAsync("SELECT count(*) FROM pg_class WHERE relname LIKE '%ccnew%'", run, "the rebuild", ct);

        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<OperationCancelledException>(() => run);

        var result = Assert.IsType<ReindexResult>(cancelled.PartialResult);
        Assert.Empty(result.Indexes);
        Assert.Equal(["Big V_ccnew"], result.LeftoversDropped.Select(l => l[(l.LastIndexOf('.') + 1)..]));
        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE '%ccnew%'", ct));
        Assert.True(await bed.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"Big V\"'::regclass", ct));
        Assert.Equal(node, await bed.FileNodeAsync("\"Big V\"", ct));
        Assert.Equal(0L, await bed.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stackgres-ops/run/{bed.RunId:N}' AND state = 'active'", ct));
    }
}
