using System.Net;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The worker's own database stopped while a run works, and started again: the API answers 503
/// problem details meanwhile (never 500), and the outcome the run reached during the outage, with
/// the log lines it wrote, is recorded once the database is back.
/// </summary>
public sealed class StorageOutageTests(PostgresFixture fixture)
{
    [Fact]
    public async Task An_outcome_reached_during_a_storage_outage_is_recorded_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        // Not a 0700 temporary directory: the postgres user must reach the data directory.
        var root = Path.Combine(Path.GetTempPath(), "sgops-outage-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new LocalInstanceOptions
        {
            DataDirectory = Path.Combine(root, "data"),
            Password = WorkerFactory.NewToken(),
            RemoveDataOnDispose = false,
        };
        var restarted = options with { RemoveDataOnDispose = true };
        var storage = await LocalPostgresInstance.StartAsync(options, PostgresBinaries.Locate(), ct);
        try
        {
            await storage.CreateDatabaseAsync("ops", ct);
            await using var worker = await WorkerFactory.CreateAsync(fixture, ct, storageConnectionString: storage.ConnectionString("ops"));
            await HeldTable.CreateAsync(worker.ClusterConnectionString);
            await using var held = await HeldTable.LockAsync(worker.ClusterConnectionString);
            var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = HeldTable.VacuumFull }))
                .GetProperty("id").GetGuid();
            await worker.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));

            await storage.StopAsync(ct);
            using var client = worker.CreateAuthorizedClient();
            foreach (var path in new[] { $"/api/v1/runs/{id}", "/api/v1/runs", $"/api/v1/runs/{id}/logs" })
            {
                using var response = await client.GetAsync(path, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET {path} during the outage answered {(int)response.StatusCode}: {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            // The vacuum ends while the database is away.
            await held.ReleaseAsync();
            await Task.Delay(TimeSpan.FromSeconds(4), ct);
            storage = await LocalPostgresInstance.StartAsync(restarted with { Port = storage.Port }, PostgresBinaries.Locate(), ct);

            var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
            var log = await client.GetStringAsync($"/api/v1/runs/{id}/logs", ct);
            Assert.True(run.GetProperty("status").GetString() == "succeeded", $"{run}\n{log}");
            Assert.Contains("vacuum (FULL)", log, StringComparison.Ordinal);
        }
        finally
        {
            await storage.StopAsync(CancellationToken.None);
            await storage.DisposeAsync();
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
