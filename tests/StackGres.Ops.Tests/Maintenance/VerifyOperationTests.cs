using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Verify;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Maintenance;

public sealed class VerifyOperationTests(PostgresFixture fixture)
{
    private static readonly VerifyOperation Verify = new();

    [Fact]
    public async Task HealthyDatabase_IsClean_EveryTableToastTableAndBtreeChecked_CatalogsIncluded()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_clean", ct);
        await bed.CreateHealthyTableAsync("\"Mixed Case\"", 5000, ct);
        await bed.ExecuteAsync(
            """
            CREATE SCHEMA sales;
            CREATE TABLE sales.orders (id bigint PRIMARY KEY, note text, tags text[]);
            -- Notes of 9,600 hex digits that pglz cannot shrink below the TOAST threshold: they go to the TOAST table.
            INSERT INTO sales.orders SELECT g, x.s, ARRAY['a', 'b'] FROM generate_series(1, 300) g,
                LATERAL (SELECT string_agg(md5(g::text || '/' || i::text), '') AS s FROM generate_series(1, 300) i) x;
            CREATE INDEX orders_note_hash ON sales.orders USING hash (note);
            """, ct);

        var result = await bed.RunAsync<VerifyResult>(Verify, """{"createExtension":true}""", ct);

        Assert.False(result.Corrupt);
        Assert.Empty(result.Findings);
        Assert.All(result.Relations, r => Assert.Equal((OutcomeStatus.Done, 0), (r.Status, r.Problems)));
        var names = result.Relations.Select(r => $"{r.Schema}.{r.Relation}").ToHashSet(StringComparer.Ordinal);
        Assert.Subset(names, new HashSet<string>(["public.Mixed Case", "public.Mixed Case_pkey", "public.Mixed Case_v_idx",
            "sales.orders", "sales.orders_pkey", "pg_catalog.pg_class", "pg_catalog.pg_class_oid_index"], StringComparer.Ordinal));
        Assert.DoesNotContain("sales.orders_note_hash", names);
        var toast = Assert.Single(result.Relations, r => r.Kind == VerifyTarget.ToastKind && r.Table == "sales.orders");
        Assert.Contains(result.Relations, r => r.Kind == VerifyTarget.IndexKind && r.Table == "sales.orders" && r.Schema == "pg_toast");
        Assert.True(toast.SizeBytes > 0, "the notes are long enough to be toasted");
        Assert.Equal(result.Relations.Count, result.RelationsChecked);
        Assert.Equal(result.RelationsChecked, result.TablesChecked + result.IndexesChecked);
        Assert.Contains(bed.Events.Logs, l => l.Level == LogLevel.Information && l.Message.StartsWith("created the amcheck extension", StringComparison.Ordinal));
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith($"verify: no corruption found; {result.RelationsChecked} relation(s) checked", StringComparison.Ordinal));
        var last = bed.Events.Progress.Last();
        Assert.Equal(("done", result.Relations.Count, result.Relations.Count), (last.Phase, last.Done, last.Total));
        Assert.Contains(bed.Events.Progress, p => p is { Phase: "checking", Relation: "public.Mixed Case", Detail: VerifyTarget.HeapCheck });
    }

    [Fact]
    public async Task NamedTables_AreCheckedWithTheirIndexes_TwoAtATime_AndAgainWithTheSameResult()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_named", ct);
        await bed.CreateHealthyTableAsync("alpha", 2000, ct);
        await bed.CreateHealthyTableAsync("beta", 2000, ct);
        await bed.ExecuteAsync("CREATE EXTENSION amcheck", ct);
        const string Parameters = """{"tables":["alpha","public.beta"],"jobs":2,"heapallindexed":false,"pauseBetweenRelations":"10ms"}""";

        var first = await bed.RunAsync<VerifyResult>(Verify, Parameters, ct);
        var second = await bed.RunAsync<VerifyResult>(Verify, Parameters, ct);

        Assert.Equal(["alpha", "alpha_pkey", "alpha_v_idx", "beta", "beta_pkey", "beta_v_idx"],
            first.Relations.Where(r => r.Schema == "public").Select(r => r.Relation).Order(StringComparer.Ordinal));
        Assert.Equal(10, first.RelationsChecked);
        Assert.Equal(first.Relations.Select(r => (r.Relation, r.Status, r.Problems)), second.Relations.Select(r => (r.Relation, r.Status, r.Problems)));
        Assert.False(first.HeapAllIndexed);
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith(
            "verify with verify_heapam (check_toast), bt_index_check: 2 table(s), 2 TOAST table(s) and 6 B-tree index(es)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DryRun_ListsWhatWouldBeChecked_AndCreatesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_dry", ct);
        await bed.CreateHealthyTableAsync("items", 1000, ct);

        var result = await bed.RunAsync<VerifyResult>(Verify, """{"schemas":["public"],"createExtension":true}""", ct, dryRun: true);

        Assert.True(result.DryRun);
        Assert.Equal(["items", "items_pkey", "items_v_idx"], result.Relations.Where(r => r.Schema == "public").Select(r => r.Relation));
        Assert.Equal([VerifyTarget.TableKind, VerifyTarget.ToastKind, VerifyTarget.IndexKind, VerifyTarget.IndexKind, VerifyTarget.IndexKind],
            result.Relations.Select(r => r.Kind));
        Assert.All(result.Relations, r => Assert.Equal(OutcomeStatus.Planned, r.Status));
        Assert.Equal(0, result.RelationsChecked);
        Assert.Contains(bed.Events.Logs, l => l.Message.StartsWith($"would check: {bed.Database}.public.items_v_idx (index of public.items, ", StringComparison.Ordinal)
                                             && l.Message.EndsWith(" KiB) with bt_index_check", StringComparison.Ordinal));
        Assert.Contains(bed.Events.Logs, l => l.Message == $"would create the amcheck extension in database {bed.Database}");
        Assert.Equal(0L, await bed.ScalarAsync<long>("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'", ct));
    }

    [Fact]
    public async Task Refusals_NameTheProblem_BeforeAnythingRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_refuse", ct);

        Assert.Equal([$"Cannot verify: the amcheck extension is not installed in database '{bed.Database}': set createExtension to true, or run CREATE EXTENSION amcheck."],
            await bed.PreflightAsync(Verify, "{}", ct));
        Assert.Equal([$"Table 'x\"; DROP TABLE t; --' does not exist in database '{bed.Database}'.", $"Schema 'nope' does not exist in database '{bed.Database}'."],
            await bed.PreflightAsync(Verify, """{"tables":["x\"; DROP TABLE t; --"],"schemas":["nope"],"createExtension":true}""", ct));
        Assert.Equal(["Parameter 'pauseBetweenRelations' must be a PostgreSQL duration of at most 1h such as '0', '200ms' or '2s', got '2h'."],
            await bed.PreflightAsync(Verify, """{"pauseBetweenRelations":"2h","createExtension":true}""", ct));
        Assert.Equal(["Parameter 'tables' needs exactly one database in 'databases'."],
            await bed.PreflightAsync(Verify, """{"tables":["t"],"databases":["a","b"]}""", ct));
        Assert.Contains("Parameter 'lockTimeout' must be a PostgreSQL duration", Assert.Single(await bed.PreflightAsync(Verify, """{"lockTimeout":"soon"}""", ct)),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleWithoutGrants_IsRefusedWithTheGrant_AndWithTheGrantsItVerifies()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_grants", ct);
        var role = "verifier_" + Guid.NewGuid().ToString("N")[..8];
        var password = Guid.NewGuid().ToString("N");
        await bed.CreateHealthyTableAsync("items", 1000, ct);
        await bed.ExecuteAsync($"CREATE EXTENSION amcheck; CREATE ROLE {role} LOGIN PASSWORD '{password}'", ct);
        await using var connector = new ClusterConnector(new ClusterConnection
        {
            Host = fixture.Server.Host, Port = fixture.Server.Port, Username = role, Database = bed.Database, SslMode = SslMode.Disable,
        }, password, ApplicationNames.ForRun(bed.RunId));

        var refused = await OperationHarness.PreflightAsync(Verify, new { }, connector, ct);
        Assert.Equal([$"Cannot verify: the role may not execute amcheck's functions in database '{bed.Database}': connect as a superuser, or GRANT EXECUTE " +
                      $"ON FUNCTION \"public\".bt_index_check(regclass, boolean), \"public\".verify_heapam(regclass, boolean, boolean, text, bigint, bigint) TO \"{role}\"."],
            refused);

        await bed.ExecuteAsync(
            $"GRANT EXECUTE ON FUNCTION public.bt_index_check(regclass, boolean), public.verify_heapam(regclass, boolean, boolean, text, bigint, bigint) TO {role}", ct);
        Assert.Empty(await OperationHarness.PreflightAsync(Verify, new { }, connector, ct));
        var result = await OperationHarness.ExecuteAsync<VerifyResult>(Verify, new { tables = new[] { "items" } }, connector, new RecordingEvents(), ct);

        Assert.Equal(5, result.RelationsChecked);
        Assert.False(result.Corrupt);
    }

    [Fact]
    public async Task TableLockedByAnotherSession_IsSkipped_NamingTheHolder()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "vf_lock", ct);
        await bed.CreateHealthyTableAsync("held", 1000, ct);
        await bed.CreateHealthyTableAsync("free", 1000, ct);
        await bed.ExecuteAsync("CREATE EXTENSION amcheck", ct);
        await using var holder = new NpgsqlConnection(bed.ConnectionString + ";Application Name=verify-test-holder");
        await holder.OpenAsync(ct);
        await using var transaction = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE held IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var result = await bed.RunAsync<VerifyResult>(Verify, """{"schemas":["public"],"lockTimeout":"200ms"}""", ct);

        // The heap and its indexes wait for the table's lock; its TOAST table and the TOAST index are locked apart, and checked.
        Assert.All(result.Relations.Where(r => r.Schema == "public" && (r.Relation == "held" || r.Table == "public.held")), r =>
        {
            Assert.Equal(OutcomeStatus.Skipped, r.Status);
            Assert.Contains("lock not available within lock_timeout 200ms: held by pid", r.Detail, StringComparison.Ordinal);
            Assert.Contains("application 'verify-test-holder'", r.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(3, result.RelationsSkipped);
        Assert.Equal(7, result.RelationsChecked);
        Assert.Contains(bed.Events.Logs, l => l.Message.EndsWith(", 3 skipped", StringComparison.Ordinal));
    }
}
