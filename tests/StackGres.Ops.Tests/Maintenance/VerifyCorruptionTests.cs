using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Verify;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Maintenance;

/// <summary>
/// Pages damaged on disk while the server is stopped (found with pg_relation_filepath) are reported by verify with
/// their relation and block. On a server of the class's own: the shared one serves every other class meanwhile.
/// </summary>
public sealed class VerifyCorruptionTests : IAsyncLifetime
{
    private static readonly VerifyOperation Verify = new();
    private readonly PostgresFixture server = new();

    public ValueTask InitializeAsync() => server.InitializeAsync();

    public ValueTask DisposeAsync() => server.DisposeAsync();

    [Fact]
    public async Task DamagedHeapIndexAndPage_AreReported_WithTheirRelationAndBlock()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(server, "verify_damaged", ct);
        // No autovacuum or autoanalyze may read the damaged pages: only amcheck, which is built to read them safely.
        // The damaged heap has no index, so that no index check scans it either.
        await bed.ExecuteAsync(
            """
            CREATE EXTENSION amcheck;
            CREATE TABLE heap_hurt (id int NOT NULL, v text) WITH (autovacuum_enabled = false);
            INSERT INTO heap_hurt SELECT g, 'row ' || g FROM generate_series(1, 100) g;
            CREATE TABLE page_hurt (id int NOT NULL, v text) WITH (autovacuum_enabled = false);
            INSERT INTO page_hurt SELECT g, 'row ' || g FROM generate_series(1, 1000) g;
            CREATE TABLE index_hurt (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
            INSERT INTO index_hurt SELECT g, 'row ' || g FROM generate_series(1, 100) g;
            CREATE TABLE fine (id int PRIMARY KEY, v text);
            INSERT INTO fine SELECT g, 'row ' || g FROM generate_series(1, 1000) g;
            """, ct);
        var clean = await bed.RunAsync<VerifyResult>(Verify, """{"schemas":["public"]}""", ct);
        Assert.False(clean.Corrupt);
        var heapFile = await bed.ScalarAsync<string>("SELECT pg_relation_filepath('heap_hurt')", ct);
        var pageFile = await bed.ScalarAsync<string>("SELECT pg_relation_filepath('page_hurt')", ct);
        var indexFile = await bed.ScalarAsync<string>("SELECT pg_relation_filepath('index_hurt_pkey')", ct);

        await server.RestartAsync(dataDirectory =>
        {
            PageCorruption.MisalignLinePointer(Path.Combine(dataDirectory, heapFile), block: 0, item: 3);
            PageCorruption.SmashHeader(Path.Combine(dataDirectory, pageFile), block: 2);
            // The only leaf of a 100-entry B-tree is block 1 (block 0 is the metapage); as the rightmost page it has no
            // high key, so item 1 holds the smallest key: now larger than the next one.
            PageCorruption.SetIndexKey(Path.Combine(dataDirectory, indexFile), block: 1, item: 1, key: 1_000_000);
            return Task.CompletedTask;
        }, ct);
        var result = await bed.RunAsync<VerifyResult>(Verify, """{"schemas":["public"]}""", ct);

        Assert.True(result.RelationsCorrupt == 3, bed.Events.AllLogs);
        var heap = Assert.Single(result.Findings, f => f.Object == "public.heap_hurt");
        Assert.Equal((VerifyTarget.HeapCheck, bed.Database, 0L, 3, "public.heap_hurt"), (heap.Check, heap.Database, heap.Block, heap.Offset, heap.BlockOf));
        Assert.Contains("not maximally aligned", heap.Message, StringComparison.Ordinal);
        // A page whose header is garbage cannot be read at all: the buffer manager refuses it (XX001), naming its file.
        var page = Assert.Single(result.Findings, f => f.Object == "public.page_hurt");
        Assert.Equal((2L, "public.page_hurt", "XX001"), (page.Block, page.BlockOf, page.SqlState));
        var index = Assert.Single(result.Findings, f => f.Object == "public.index_hurt_pkey");
        Assert.Equal((VerifyTarget.BtreeCheck, "public.index_hurt", 1L, "public.index_hurt_pkey", "XX002"),
            (index.Check, index.Table, index.Block, index.BlockOf, index.SqlState));
        Assert.All(result.Relations.Where(r => r.Relation is "fine" or "fine_pkey" or "index_hurt"), r =>
            Assert.Equal((OutcomeStatus.Done, 0), (r.Status, r.Problems)));
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith("verify: CORRUPTION FOUND: 3 problem(s) in 3 relation(s)", StringComparison.Ordinal));
    }
}
