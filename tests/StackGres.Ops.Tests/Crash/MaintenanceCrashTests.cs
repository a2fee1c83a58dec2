using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Crash;

/// <summary>
/// The worker killed with SIGKILL at seeded random moments during vacuum FULL and repack runs (before
/// it claimed the run, while the runner waits for a lock, while it works, after it ended), then
/// another worker started: every run resolved within the bound, succeeded, and left no runner and
/// no backend behind.
/// </summary>
public sealed class MaintenanceCrashTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Killed_workers_lose_no_vacuum_full_or_repack_run()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await WorkerFactory.CreateAsync(fixture, ct);
        await HeldTable.CreateAsync(settings.ClusterConnectionString, rows: 20000);
        await Db.ExecuteAsync(settings.ClusterConnectionString,
            """
            CREATE TABLE churned (id int PRIMARY KEY, pad text);
            INSERT INTO churned SELECT g, repeat('y', 200) FROM generate_series(1, 100000) g;
            """);
        await using var trials = new CrashTrials(settings, new Dictionary<string, string>(),
            name => Db.ScalarAsync<long>(settings.ClusterConnectionString, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name),
            seed: 1818);
        for (var trial = 0; trial < 12; trial++)
        {
            JsonElement run;
            if (trial % 2 == 0)
            {
                // A session holding a lock keeps VACUUM FULL waiting until after the kill.
                await using var held = await HeldTable.LockAsync(settings.ClusterConnectionString);
                run = await trials.RunAsync("vacuum full", 2500,
                    http => SubmitAsync(http, "vacuum", HeldTable.VacuumFull),
                    async () =>
                    {
                        await Task.Delay(300, ct);
                        await held.ReleaseAsync();
                    });
            }
            else
            {
                await Db.ExecuteAsync(settings.ClusterConnectionString, "DELETE FROM churned WHERE id % 3 = 0; INSERT INTO churned SELECT g, repeat('y', 200) FROM generate_series(1, 100000) g WHERE g % 3 = 0;");
                run = await trials.RunAsync("repack", 2500,
                    http => SubmitAsync(http, "repack", new { tables = new[] { "churned" }, createExtension = true }));
            }

            Assert.True(run.GetProperty("status").GetString() == "succeeded", $"{run}\n{await trials.LogAsync(run.GetProperty("id").GetGuid())}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(trials.Report());
        Assert.Equal(0L, await Db.ScalarAsync<long>(settings.ClusterConnectionString, "SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger'"));
    }

    internal static async Task<Guid> SubmitAsync(HttpClient http, string operation, object parameters, string cluster = WorkerFactory.ClusterName)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/runs", new { cluster, operation, parameters }, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/runs answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text).GetProperty("id").GetGuid();
    }
}
