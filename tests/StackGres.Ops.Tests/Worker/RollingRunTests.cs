using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Rolling;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// A cluster with replicas in the worker's inventory: its topology in GET /api/v1/clusters/{name}, a rolling restart
/// submitted through the API and run by the real job runner, the new topology afterwards, and the next run finding
/// the new primary by itself.
/// </summary>
public sealed class RollingRunTests(PostgresFixture fixture)
{
    internal const string Cluster = "rolled";

    /// <summary>The local cluster as the inventory cluster "rolled", with its instances.</summary>
    internal static WorkerFactory WithCluster(WorkerFactory worker, RollingCluster cluster)
    {
        var variable = "OPS_TEST_ROLL_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, cluster.Password);
        var key = $"Ops:Clusters:{Cluster}";
        worker.WithSetting($"{key}:Username", "postgres").WithSetting($"{key}:PasswordEnv", variable).WithSetting($"{key}:SslMode", "Disable");
        for (var i = 0; i < cluster.Instances.Count; i++)
        {
            var instance = cluster.Instances[i];
            worker.WithSetting($"{key}:Instances:{i}:Name", instance.Name)
                .WithSetting($"{key}:Instances:{i}:Host", instance.Host)
                .WithSetting($"{key}:Instances:{i}:Port", instance.Port.ToString(CultureInfo.InvariantCulture))
                .WithSetting($"{key}:Instances:{i}:DataDirectory", instance.Local!.DataDirectory)
                .WithSetting($"{key}:Instances:{i}:PgCtl", instance.Local.PgCtl);
        }

        return worker;
    }

    [Fact]
    public async Task A_window_rolls_the_instances_with_pending_settings_and_the_next_opening_finds_nothing_to_do()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        foreach (var instance in cluster.Instances)
        {
            await cluster.ScalarAsync<object>(instance, "ALTER SYSTEM SET shared_buffers = '24MB'", ct);
            await cluster.ScalarAsync<object>(instance, "SELECT pg_reload_conf()", ct);
        }

        // 18 s windows: a roll slowed down by a loaded machine still ends inside its window.
        await using var worker = WithCluster(await WorkerFactory.CreateAsync(fixture, ct), cluster)
            .WithWindow("roll", "*/20 * * * * *", "00:00:18", Cluster,
                ("rolling-restart", new Dictionary<string, string> { ["Parameters:onlyPendingRestart"] = "true", ["Estimate"] = "00:00:02" }));

        var runs = await worker.WaitForWindowRunsAsync("roll", 2, TimeSpan.FromSeconds(60));
        var first = await worker.GetRunAsync(runs[0].GetProperty("id").GetGuid());
        Assert.True(first.GetProperty("status").GetString() == "succeeded", first.ToString());
        var steps = first.GetProperty("result").GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("instance").GetString(), s.GetProperty("action").GetString())).ToArray();
        Assert.Equal(("pg1", "restart"), steps[0]);
        Assert.Equal(("pg2", "restart"), steps[1]);
        Assert.Equal(("pg0", "switchover"), steps[2]);
        Assert.Equal("24MB", await cluster.ScalarAsync<string>(cluster.Instances[1], "SHOW shared_buffers", ct));

        var second = await worker.GetRunAsync(runs[1].GetProperty("id").GetGuid());
        Assert.True(second.GetProperty("status").GetString() == "succeeded", second.ToString());
        Assert.All(second.GetProperty("result").GetProperty("steps").EnumerateArray(), s => Assert.Equal("skipped", s.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Rolling_restart_through_the_api_moves_the_primary_and_the_topology_shows_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        await using var worker = WithCluster(await WorkerFactory.CreateAsync(fixture, ct), cluster);

        using var client = worker.CreateAuthorizedClient();
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{Cluster}", ct);
        Assert.Equal("pg0", before.GetProperty("primary").GetString());
        var topology = before.GetProperty("topology").EnumerateArray().ToArray();
        Assert.Equal(["pg0", "pg1", "pg2"], topology.Select(t => t.GetProperty("name").GetString()));
        Assert.All(topology.Skip(1), t => Assert.True(t.GetProperty("streaming").GetBoolean(), t.ToString()));
        // Configured by its instances: no host and port of its own, every server listed.
        Assert.False(before.TryGetProperty("host", out _), before.ToString());
        Assert.False(before.TryGetProperty("port", out _), before.ToString());
        Assert.Equal(cluster.Instances.Select(i => $"{i.Name} {i.Host}:{i.Port}"),
            before.GetProperty("instances").EnumerateArray().Select(i => $"{i.GetProperty("name").GetString()} {i.GetProperty("host").GetString()}:{i.GetProperty("port").GetInt32()}"));

        var accepted = await worker.SubmitAsync(new { cluster = Cluster, operation = "rolling-restart", parameters = new { measureWrites = true } });
        var run = await worker.WaitForRunAsync(accepted.GetProperty("id").GetGuid(), TimeSpan.FromSeconds(180));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        var result = run.GetProperty("result");
        Assert.Equal(0, result.GetProperty("writes").GetProperty("lost").GetInt64());
        var newPrimary = result.GetProperty("primaryAfter").GetString();
        Assert.NotEqual("pg0", newPrimary);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{Cluster}", ct);
        Assert.Equal(newPrimary, after.GetProperty("primary").GetString());
        var pg0 = after.GetProperty("topology").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "pg0");
        Assert.Equal("replica", pg0.GetProperty("role").GetString());
        Assert.True(pg0.GetProperty("streaming").GetBoolean(), pg0.ToString());
        // Every replica streams on the new primary's timeline (not the one of its last restartpoint).
        var timelines = after.GetProperty("topology").EnumerateArray().Select(t => t.GetProperty("timeline").GetInt32()).Distinct().ToArray();
        Assert.True(timelines.Length == 1 && timelines[0] > before.GetProperty("topology")[0].GetProperty("timeline").GetInt32(), after.ToString());

        // The next run needs no change to the inventory: it finds the new primary.
        var vacuum = await worker.SubmitAsync(new { cluster = Cluster, operation = "vacuum", parameters = new { } });
        var vacuumId = vacuum.GetProperty("id").GetGuid();
        var vacuumRun = await worker.WaitForRunAsync(vacuumId, TimeSpan.FromSeconds(60));
        Assert.True(vacuumRun.GetProperty("status").GetString() == "succeeded", vacuumRun.ToString());
        var logs = await client.GetStringAsync($"/api/v1/runs/{vacuumId}/logs", ct);
        Assert.Contains($"127.0.0.1:{cluster.Instances.Single(i => i.Name == newPrimary).Port}", logs, StringComparison.Ordinal);
    }
}
