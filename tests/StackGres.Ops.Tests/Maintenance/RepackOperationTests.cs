using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Repack;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Maintenance;

public sealed class RepackOperationTests(PostgresFixture fixture)
{
    private const string DebrisQuery =
        """
        SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger')
             + (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'repack' AND c.relkind IN ('r', 'S'))
             + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'repack' AND t.typname ~ '^pk_[0-9]+$')
        """;

    private static readonly RepackOperation Repack = new();

    [Fact]
    public async Task Needed_RepacksTheBloatedTable_UnderAHostileDatabaseAndTableName_AndLeavesNoDebris()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateNamedAsync(fixture, $"rp 'Wéird\" db={Guid.NewGuid():N}", ct);
        await bed.ExecuteAsync("CREATE SCHEMA \"Sch ema\"; CREATE TABLE t (id int PRIMARY KEY)", ct);
        const string hostile = "\"Sch ema\".\"x\"\"; DROP TABLE t; --\"";
        await bed.CreateBloatedTableAsync(hostile, 20_000, ct);
        await bed.CreateHealthyTableAsync("healthy", 20_000, ct);
        var before = await bed.TotalSizeAsync(hostile, ct);
        var healthyNode = await bed.FileNodeAsync("healthy", ct);

        var result = await bed.RunAsync<RepackResult>(Repack, """{"createExtension":true}""", ct);

        var table = Assert.Single(result.Tables);
        Assert.Equal(("x\"; DROP TABLE t; --", OutcomeStatus.Done), (table.Table, table.Status));
        var after = await bed.TotalSizeAsync(hostile, ct);
        Assert.True(after < before / 2, $"{before} → {after}");
        Assert.Equal(4_000L, await bed.ScalarAsync<long>($"SELECT count(*) FROM {hostile}", ct));
        Assert.Equal(healthyNode, await bed.FileNodeAsync("healthy", ct));
        Assert.Equal(1L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 't'", ct));
        Assert.Equal(0L, await bed.ScalarAsync<long>(DebrisQuery, ct));
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith("pg_repack: INFO: repacking table", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preflight_Refuses_WithoutExtensionKeyOrDisk()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rp_refuse", ct);
        await bed.ExecuteAsync("CREATE TABLE nokey (a int, b text); CREATE TABLE keyed (id int PRIMARY KEY)", ct);

        var noExtension = await bed.PreflightAsync(Repack, """{"tables":["keyed"]}""", ct);
        Assert.Contains(noExtension, e => e.Contains("pg_repack extension is not installed", StringComparison.Ordinal)
                                          && e.Contains("createExtension", StringComparison.Ordinal));

        var noKey = await bed.PreflightAsync(Repack, """{"tables":["nokey"],"createExtension":true}""", ct);
        Assert.Contains(noKey, e => e.Contains("no primary key nor a usable unique index", StringComparison.Ordinal));

        var noDisk = await bed.PreflightAsync(Repack, """{"tables":["keyed"],"createExtension":true,"assumeFreeDiskBytes":1}""", ct);
        Assert.Contains(noDisk, e => e.Contains("not enough free disk", StringComparison.Ordinal));

        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_extension WHERE extname = 'pg_repack'", ct));
    }

    [Fact]
    public async Task DryRun_PlansTheBloatedTable_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rp_dry", ct);
        await bed.CreateBloatedTableAsync("bloated", 20_000, ct);
        var node = await bed.FileNodeAsync("bloated", ct);

        var result = await bed.RunAsync<RepackResult>(Repack, """{"createExtension":true}""", ct, dryRun: true);

        Assert.Equal(OutcomeStatus.Planned, Assert.Single(result.Tables).Status);
        Assert.Equal(node, await bed.FileNodeAsync("bloated", ct));
        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_extension WHERE extname = 'pg_repack'", ct));
    }

    [Fact]
    public async Task Cancelled_Repack_LeavesNoTriggerNorTemporaryTable_AndTheDataWhole()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "rp_cancel", ct);
        await bed.ExecuteAsync(
            """
            CREATE EXTENSION pg_repack;
            CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL);
            INSERT INTO big SELECT g, repeat('b', 200) FROM generate_series(1, 1500000) g;
            """, ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = bed.RunAsync<RepackResult>(Repack, """{"tables":["big"]}""", cancel.Token);
        // Cancel once pg_repack has put its trigger and log table in place (the copy is then under way).
        await bed.WaitForRowsAsync("SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'", run, "pg_repack", ct);

        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<OperationCancelledException>(() => run);

        var result = Assert.IsType<RepackResult>(cancelled.PartialResult);
        Assert.Equal(OutcomeStatus.Skipped, Assert.Single(result.Tables).Status);
        Assert.Equal(0L, await bed.ScalarAsync<long>(DebrisQuery, ct));
        Assert.Equal(0L, await bed.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stackgres-ops/run/{bed.RunId:N}'", ct));
        Assert.Equal(1_500_000L, await bed.ScalarAsync<long>("SELECT count(*) FROM big", ct));
    }
}
