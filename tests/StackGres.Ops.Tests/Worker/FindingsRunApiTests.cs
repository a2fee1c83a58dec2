using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>On-demand runs with <c>"targets": "findings"</c>: the tables of the cluster's latest health-check findings, one database per request.</summary>
public sealed class FindingsRunApiTests(PostgresFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private const string BloatedTable =
        """
        CREATE TABLE bloated (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
        INSERT INTO bloated SELECT g, g, repeat('p', 60) FROM generate_series(1, 20000) g;
        UPDATE bloated SET v = v + 1 WHERE id % 5 <> 0;
        DELETE FROM bloated WHERE id % 5 <> 0;
        """;

    [Fact]
    public async Task PostRun_WithTargetsFindings_VacuumsFullOnlyTheBloatedTable_OfTheOneDatabaseNamed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        var other = await fixture.CreateDatabaseAsync("ops_other", ct);
        var otherDatabase = new NpgsqlConnectionStringBuilder(other).Database!;
        await Db.ExecuteAsync(worker.ClusterConnectionString, BloatedTable);
        await Db.ExecuteAsync(worker.ClusterConnectionString, "VACUUM ANALYZE bloated");
        await Db.ExecuteAsync(worker.ClusterConnectionString,
            "CREATE TABLE healthy (id int PRIMARY KEY, payload text NOT NULL); INSERT INTO healthy SELECT g, repeat('h', 60) FROM generate_series(1, 20000) g; ANALYZE healthy;");
        await Db.ExecuteAsync(other, BloatedTable);
        await Db.ExecuteAsync(other, "VACUUM ANALYZE bloated");
        var healthyNode = await FileNodeAsync(worker.ClusterConnectionString, "healthy");
        var bloatedNode = await FileNodeAsync(worker.ClusterConnectionString, "bloated");
        var otherNode = await FileNodeAsync(other, "bloated");

        // Before any health-check: nothing says what to do.
        using (var before = await worker.PostRunRawAsync("""{"cluster":"demo","operation":"vacuum","targets":"findings","parameters":{"full":true}}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, before.StatusCode);
            Assert.StartsWith("Not started: no succeeded health-check run on cluster 'demo'", (await ProblemAsync(before)).GetProperty("detail").GetString());
        }

        var check = await worker.RunToSuccessAsync("health-check", new { databases = new[] { worker.ClusterDatabase, otherDatabase }, bloatMinSizeMb = 1 }, RunTimeout);
        Assert.Equal(2, check.GetProperty("findings").EnumerateArray().Count(f => f.GetProperty("check").GetString() == "table-bloat" &&
                                                                                   f.GetProperty("severity").GetString() != "ok"));

        // Findings in two databases, a request is one run: it must name one.
        using (var both = await worker.PostRunRawAsync("""{"cluster":"demo","operation":"vacuum","targets":"findings","parameters":{"full":true}}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
            var detail = (await ProblemAsync(both)).GetProperty("detail").GetString()!;
            Assert.Contains("The findings lie in 2 databases", detail, StringComparison.Ordinal);
            Assert.Contains($"'{otherDatabase}'", detail, StringComparison.Ordinal);
        }

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "vacuum",
            targets = "findings",
            parameters = new { full = true, databases = new[] { worker.ClusterDatabase } },
        });
        Assert.Equal($$"""{"full":true,"databases":["{{worker.ClusterDatabase}}"],"tables":["public.bloated"]}""",
            accepted.GetProperty("parameters").GetRawText());
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), RunTimeout);

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal(["bloated"], run.GetProperty("result").GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("table").GetString()));
        Assert.NotEqual(bloatedNode, await FileNodeAsync(worker.ClusterConnectionString, "bloated"));
        Assert.Equal(healthyNode, await FileNodeAsync(worker.ClusterConnectionString, "healthy"));
        Assert.Equal(otherNode, await FileNodeAsync(other, "bloated"));
        using var client = worker.CreateAuthorizedClient();
        var log = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/runs/{run.GetProperty("id").GetGuid()}/logs", ct);
        Assert.StartsWith("Targets from health-check run ", log![0].GetProperty("message").GetString());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    private static async Task<uint> FileNodeAsync(string connectionString, string table) =>
        await Db.ScalarAsync<uint>(connectionString, "SELECT pg_relation_filenode($1::regclass)", table);
}
