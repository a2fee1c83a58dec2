using System.Net;
using System.Text.Json;
using StackGres.Ops.Tests.Maintenance;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>verify submitted through the API and run by the real job runner: its result, its log and its metrics.</summary>
public sealed class VerifyRunTests(PostgresFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PostRun_VerifiesTheClusterDatabase_CleanResultSummaryLineAndNoMetric()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE items (id int PRIMARY KEY, payload text); INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 10000) g;");

        var dry = await SucceedAsync(worker, new { tables = new[] { "items" }, createExtension = true }, dryRun: true);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.All(dry.GetProperty("relations").EnumerateArray(), r => Assert.Equal("planned", r.GetProperty("status").GetString()));
        var run = await SucceedAsync(worker, new { createExtension = true, schemas = new[] { "public" }, pauseBetweenRelations = "10ms" });
        var result = run.GetProperty("result");

        Assert.False(result.GetProperty("corrupt").GetBoolean());
        Assert.Equal(0, result.GetProperty("problems").GetInt32());
        Assert.Empty(result.GetProperty("findings").EnumerateArray());
        Assert.Equal(["items", "items_pkey"], result.GetProperty("relations").EnumerateArray()
            .Where(r => r.GetProperty("schema").GetString() == "public").Select(r => r.GetProperty("relation").GetString()));
        Assert.Equal(4, result.GetProperty("relationsChecked").GetInt32());
        Assert.True(run.GetProperty("result").GetProperty("heapAllIndexed").GetBoolean());
        using var client = worker.CreateAuthorizedClient();
        var log = await client.GetStringAsync($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", ct);
        Assert.Contains($"created the amcheck extension in database {worker.ClusterDatabase}", log, StringComparison.Ordinal);
        Assert.Contains("verify: no corruption found; 4 relation(s) checked in 1 database(s)", log, StringComparison.Ordinal);
        // Only the verify series: the gauges are the process's, and another test's health-check on the shared server may name this database.
        Assert.DoesNotContain($"stackgres_ops_verify_problems{{cluster=\"demo\",database=\"{worker.ClusterDatabase}\"", await MetricsAsync(worker, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptIndex_IsInTheRunsResult_TheMetricsAndANotification_UntilACleanCheck()
    {
        var ct = TestContext.Current.CancellationToken;
        // The cluster is a server of the test's own (it is stopped to damage a page); the worker's storage stays on the shared one.
        await using var cluster = new PostgresFixture();
        await cluster.InitializeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var worker = (await WorkerFactory.CreateAsync(cluster, ct, storageConnectionString: await fixture.CreateDatabaseAsync("ops_storage", ct)))
            .WithSetting("Ops:Notifications:Sinks:ops:Url", receiver.Url)
            .WithSetting("Ops:Notifications:Sinks:ops:Secret", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)))
            .WithSetting("Ops:Notifications:PollInterval", "00:00:00.200");
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            """
            CREATE EXTENSION amcheck;
            CREATE TABLE hurt (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
            INSERT INTO hurt SELECT generate_series(1, 100);
            """);
        var indexFile = (await Db.ScalarAsync<string>(worker.ClusterConnectionString, "SELECT pg_relation_filepath('hurt_pkey')"))!;
        await cluster.RestartAsync(dataDirectory =>
        {
            PageCorruption.SetIndexKey(Path.Combine(dataDirectory, indexFile), block: 1, item: 1, key: 1_000_000);
            return Task.CompletedTask;
        }, ct);

        var run = await SucceedAsync(worker, new { tables = new[] { "hurt" } });

        var result = run.GetProperty("result");
        Assert.True(result.GetProperty("corrupt").GetBoolean(), run.ToString());
        var finding = Assert.Single(result.GetProperty("findings").EnumerateArray());
        Assert.Equal(("bt_index_check", "public.hurt_pkey", "public.hurt", 1, "XX002"), (finding.GetProperty("check").GetString(), finding.GetProperty("object").GetString(),
            finding.GetProperty("table").GetString(), finding.GetProperty("block").GetInt32(), finding.GetProperty("sqlState").GetString()));
        Assert.Equal(worker.ClusterDatabase, finding.GetProperty("database").GetString());
        Assert.StartsWith("item order invariant violated", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Lower index tid=(1,1)", finding.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var series = $"stackgres_ops_verify_problems{{cluster=\"demo\",database=\"{worker.ClusterDatabase}\",relation=\"public.hurt_pkey\",check=\"bt_index_check\"}} 1";
        Assert.Contains(series, await MetricsAsync(worker, ct), StringComparison.Ordinal);
        var hook = await receiver.WaitForAsync(h => h.Type == "corruption.found", TimeSpan.FromSeconds(60), "corruption.found");
        Assert.Equal(run.GetProperty("id").GetGuid(), hook.Json.GetProperty("runId").GetGuid());
        Assert.Equal(1, hook.Json.GetProperty("details").GetProperty("problems").GetInt32());
        Assert.StartsWith("verify found corruption on cluster demo: 1 problem(s) in 1 relation(s)", hook.Json.GetProperty("summary").GetString(), StringComparison.Ordinal);

        // Rebuilt, the index is clean again: the next check clears its series.
        await Db.ExecuteAsync(worker.ClusterConnectionString, "REINDEX INDEX hurt_pkey");
        var again = await SucceedAsync(worker, new { tables = new[] { "hurt" } });
        Assert.False(again.GetProperty("result").GetProperty("corrupt").GetBoolean());
        Assert.DoesNotContain("relation=\"public.hurt_pkey\"", await MetricsAsync(worker, ct), StringComparison.Ordinal);
        Assert.Single(receiver.Received, h => h.Type == "corruption.found");
    }

    private static async Task<JsonElement> SucceedAsync(WorkerFactory worker, object parameters, bool dryRun = false)
    {
        var accepted = await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "verify", parameters, dryRun });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        return dryRun ? run.GetProperty("result") : run;
    }

    private static async Task<string> MetricsAsync(WorkerFactory worker, CancellationToken ct)
    {
        using var client = worker.CreateClient();
        using var response = await client.GetAsync("/metrics", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ct);
    }
}
