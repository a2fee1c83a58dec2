using System.Diagnostics;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.LocalClusters;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary><c>StackGres.Ops.Worker local-cluster create|stop|start|remove</c>, run as a real process.</summary>
public sealed class LocalClusterCommandTests
{
    [Fact]
    public async Task Create_writes_a_valid_inventory_of_a_running_primary_and_replicas_then_stop_start_and_remove()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(Path.GetTempPath(), "stackgres-ops-lc-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var created = await RunAsync(ct, "create", "--dir", directory, "--replicas", "2", "--name", "trial");
            Assert.True(created.ExitCode == 0, created.Output);

            var inventory = InventoryFile.TryRead(Path.Combine(directory, LocalClusterCommand.InventoryFileName), out var problem);
            Assert.Null(problem);
            var cluster = Assert.Single(inventory!).Value;
            Assert.True(new ClustersOptionsValidator().Validate(null, new ClustersOptions { ["trial"] = cluster }).Succeeded);
            Assert.Equal(["pg0", "pg1", "pg2"], cluster.Instances.Select(i => i.Name));
            var password = ClusterInventoryPassword(cluster);
            var roles = await Task.WhenAll(cluster.Instances.Select(i => InRecoveryAsync(i, password, ct)));
            Assert.Equal(new[] { false, true, true }, roles);

            Assert.Equal(0, (await RunAsync(ct, "stop", "--dir", directory)).ExitCode);
            Assert.All(cluster.Instances, i => Assert.False(PgCtl.IsRunning(i.DataDirectory!)));
            Assert.Equal(0, (await RunAsync(ct, "start", "--dir", directory)).ExitCode);
            roles = await Task.WhenAll(cluster.Instances.Select(i => InRecoveryAsync(i, password, ct)));
            Assert.Equal(new[] { false, true, true }, roles);

            var again = await RunAsync(ct, "create", "--dir", directory);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("exists", again.Output, StringComparison.Ordinal);
            Assert.Equal(2, (await RunAsync(ct, "create", "--replicas", "many", "--dir", directory)).ExitCode);

            Assert.Equal(0, (await RunAsync(ct, "remove", "--dir", directory)).ExitCode);
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                await LocalClusterProvisioner.RemoveLeftoverAsync(directory, PostgresBinaries.Locate(), CancellationToken.None);
            }
        }
    }

    private static string ClusterInventoryPassword(ClusterDefinition cluster) => File.ReadAllText(cluster.PasswordFile!).Trim();

    private static async Task<bool> InRecoveryAsync(InstanceDefinition instance, string password, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = instance.Host, Port = instance.Port, Username = "postgres", Password = password, Pooling = false, SslMode = SslMode.Disable,
        }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Worker.dll"));
        info.ArgumentList.Add("local-cluster");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await error);
    }
}
