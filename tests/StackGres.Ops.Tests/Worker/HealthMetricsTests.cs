using System.Net;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The findings of the latest succeeded health-check run are served at /metrics, and a new run replaces them.</summary>
public sealed class HealthMetricsTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Metrics_FollowTheLatestHealthCheck_WhenAnInvalidIndexAppears()
    {
        var ct = TestContext.Current.CancellationToken;
        // A cluster name of this test's own: the metrics registry is the process's, and every worker reloads the series of
        // its clusters from its own history, so another test's "demo" would replace these.
        var cluster = "health-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        await using var worker = NotificationTests.WithClusterLike(await WorkerFactory.CreateAsync(fixture, ct), cluster);
        var database = worker.ClusterDatabase;
        var okSeries = $"stackgres_ops_health_finding{{cluster=\"{cluster}\",check=\"invalid-index\",object=\"{database}\",database=\"{database}\",severity=\"ok\"}} 0";
        var warningSeries = $"stackgres_ops_health_finding{{cluster=\"{cluster}\",check=\"invalid-index\",object=\"public.codes_unique\",database=\"{database}\",severity=\"warning\"}} 1";

        await RunHealthCheckAsync(worker, cluster, database);
        var before = await MetricsAsync(worker, ct);
        Assert.Contains(okSeries, before, StringComparison.Ordinal);
        Assert.Contains($"check=\"xid-wraparound\",object=\"{database}\"", before, StringComparison.Ordinal);
        Assert.DoesNotContain(warningSeries, before, StringComparison.Ordinal);

        // A unique index built concurrently over duplicates fails and stays behind, invalid.
        await using (var connection = new NpgsqlConnection(worker.ClusterConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var setup = new NpgsqlCommand("CREATE TABLE codes (code int); INSERT INTO codes VALUES (1), (1)", connection);
            await setup.ExecuteNonQueryAsync(ct);
            await using var index = new NpgsqlCommand("CREATE UNIQUE INDEX CONCURRENTLY codes_unique ON codes (code)", connection);
            await Assert.ThrowsAsync<PostgresException>(() => index.ExecuteNonQueryAsync(ct));
        }

        await RunHealthCheckAsync(worker, cluster, database);
        var after = await MetricsAsync(worker, ct);
        Assert.Contains(warningSeries, after, StringComparison.Ordinal);
        Assert.DoesNotContain(okSeries, after, StringComparison.Ordinal);
    }

    private static async Task RunHealthCheckAsync(WorkerFactory worker, string cluster, string database)
    {
        var accepted = await worker.SubmitAsync(new
        {
            cluster,
            operation = "health-check",
            parameters = new { databases = new[] { database } },
        });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(60));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        // A run that succeeded shows no progress left at a step of the way.
        Assert.True(!run.TryGetProperty("progress", out var progress) || progress.ValueKind == System.Text.Json.JsonValueKind.Null, run.ToString());
    }

    private static async Task<string> MetricsAsync(WorkerFactory worker, CancellationToken ct)
    {
        using var client = worker.CreateClient();
        using var response = await client.GetAsync("/metrics", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ct);
    }
}
