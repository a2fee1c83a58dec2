using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Clusters;

public sealed class LocalClusterProvisionerTests
{
    [Fact]
    public async Task Start_StreamsToTwoReplicas_AndDisposeRemovesEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-cluster-" + Guid.NewGuid().ToString("N"));
        var cluster = await LocalClusterProvisioner.StartAsync(
            new LocalClusterOptions { RootDirectory = root, Replicas = 2, Password = PostgresFixture.NewPassword() },
            PostgresBinaries.Locate(),
            ct);
        List<int> pids;
        try
        {
            Assert.Equal(2, cluster.Replicas.Count);
            var ports = cluster.Replicas.Select(r => r.Instance.Port).Append(cluster.Primary.Port).ToArray();
            Assert.Equal(3, ports.Distinct().Count());
            Assert.Equal(["pg1", "pg2"], await LocalClusterProvisioner.StreamingSlotsAsync(cluster.Primary, ct));
            Assert.Equal(2L, await ScalarAsync<long>(cluster.Primary,
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", ct));

            await ScalarAsync<int>(cluster.Primary,
                "CREATE TABLE marker (id int PRIMARY KEY, note text); INSERT INTO marker VALUES (1, 'written on the primary'); SELECT 1", ct);
            foreach (var replica in cluster.Replicas)
            {
                Assert.True(await ScalarAsync<bool>(replica.Instance, "SELECT pg_is_in_recovery()", ct));
                Assert.Equal("written on the primary", await WaitForRowAsync(replica.Instance, ct));
            }

            pids = cluster.Replicas.Select(r => r.Instance.DataDirectory).Append(cluster.Primary.DataDirectory).Select(PostmasterPid).ToList();
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.False(Directory.Exists(root), "the cluster root directory is removed");
        foreach (var pid in pids)
        {
            Assert.False(await IsRunningAsync(pid, ct), $"postmaster {pid} is gone");
        }
    }

    [Fact]
    public async Task Start_RefusesAnExistingRootDirectory()
    {
        var root = Directory.CreateTempSubdirectory("stackgres-ops-cluster-");
        try
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => LocalClusterProvisioner.StartAsync(
                new LocalClusterOptions { RootDirectory = root.FullName, Password = "x" }, PostgresBinaries.Locate(),
                TestContext.Current.CancellationToken));
            Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>True while the process runs; an exited child not yet reaped (state Z) counts as gone.</summary>
    private static async Task<bool> IsRunningAsync(int pid, CancellationToken ct)
    {
        var stat = "/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(stat, ct);
            }
            catch (IOException)
            {
                return false;
            }

            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state is "Z" or "X")
            {
                return false;
            }

            await Task.Delay(100, ct);
        }

        return true;
    }

    private static int PostmasterPid(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static async Task<string?> WaitForRowAsync(LocalPostgresInstance replica, CancellationToken ct) =>
        await Poll.UntilAsync(
            async () => await ScalarAsync<bool>(replica, "SELECT to_regclass('marker') IS NOT NULL", ct)
                ? await ScalarAsync<string?>(replica, "SELECT note FROM marker WHERE id = 1", ct)
                : null,
            note => note is not null, TimeSpan.FromSeconds(30), _ => "the marker row did not reach the replica in 30 s",
            TimeSpan.FromMilliseconds(200));

    private static async Task<T> ScalarAsync<T>(LocalPostgresInstance instance, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(instance.ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull or null ? default! : (T)value;
    }
}
