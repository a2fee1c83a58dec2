using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.LocalClusters;

/// <summary>
/// <c>local-cluster</c>: a primary and streaming replicas on this machine, to try the worker on (rolling restarts,
/// switchovers, backups) without a cluster of one's own. <c>create</c> provisions them and writes an inventory file for
/// <c>Ops:InventoryFile</c> with a password file beside it; <c>stop</c> and <c>start</c> stop and start every
/// instance (replicas are stopped first and started last); <c>remove</c> stops them and deletes the directory.
/// </summary>
public static class LocalClusterCommand
{
    public const string InventoryFileName = "inventory.json";
    public const string PasswordFileName = "password";

    private static readonly JsonSerializerOptions InventoryJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = LocalClusterArguments.Parse(args);
        if (arguments.Error is not null)
        {
            await Console.Error.WriteLineAsync($"local-cluster: {arguments.Error}\n{LocalClusterArguments.Usage}");
            return 2;
        }

        try
        {
            var binaries = PostgresBinaries.Locate();
            switch (arguments.Action)
            {
                case "create":
                    return await CreateAsync(arguments, binaries);
                case "remove":
                    await LocalClusterProvisioner.RemoveLeftoverAsync(arguments.Directory, binaries, CancellationToken.None);
                    Console.WriteLine($"Stopped every instance under {arguments.Directory} and removed it.");
                    return 0;
                default:
                    return await StartOrStopAsync(arguments, binaries);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException or NpgsqlException or
                                       Jobs.Operations.OperationFailedException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"local-cluster {arguments.Action}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(LocalClusterArguments arguments, PostgresBinaries binaries)
    {
        if (Directory.Exists(arguments.Directory))
        {
            await Console.Error.WriteLineAsync($"local-cluster create: '{arguments.Directory}' exists; give a new directory (or 'remove' the old cluster).");
            return 2;
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        Console.WriteLine($"Creating a primary and {arguments.Replicas} streaming replica(s) under {arguments.Directory} (fsync on)...");
        var cluster = await LocalClusterProvisioner.StartAsync(
            new LocalClusterOptions { RootDirectory = arguments.Directory, Replicas = arguments.Replicas, Password = password, RelaxedDurability = false },
            binaries,
            CancellationToken.None);

        // The servers keep running after this process: the cluster is deliberately not disposed.
        var passwordFile = Path.Combine(arguments.Directory, PasswordFileName);
        await File.WriteAllTextAsync(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var definition = new ClusterDefinition
        {
            Host = string.Empty,
            Username = cluster.Primary.Superuser,
            PasswordFile = passwordFile,
            SslMode = SslMode.Disable,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["env"] = "local" },
            Instances = cluster.ToInstances().Select(i => new InstanceDefinition
            {
                Name = i.Name,
                Host = i.Host,
                Port = i.Port,
                DataDirectory = i.Local!.DataDirectory,
                PgCtl = i.Local.PgCtl,
            }).ToList(),
        };
        var inventory = Path.Combine(arguments.Directory, InventoryFileName);
        await File.WriteAllTextAsync(inventory, JsonSerializer.Serialize(
            new Dictionary<string, object> { ["Clusters"] = new Dictionary<string, ClusterDefinition> { [arguments.Name] = definition } }, InventoryJson));

        foreach (var instance in definition.Instances)
        {
            Console.WriteLine($"  {instance.Name}  {instance.Host}:{instance.Port}  {instance.DataDirectory}");
        }

        Console.WriteLine($"Cluster '{arguments.Name}' is running (pg0 is the primary). Inventory: {inventory}");
        Console.WriteLine($"Use it with the worker: Ops__InventoryFile={inventory}");
        return 0;
    }

    private static async Task<int> StartOrStopAsync(LocalClusterArguments arguments, PostgresBinaries binaries)
    {
        var replicasFirst = LocalClusterProvisioner.DataDirectoriesReplicasFirst(arguments.Directory);
        if (replicasFirst.Count == 0)
        {
            await Console.Error.WriteLineAsync($"local-cluster {arguments.Action}: no data directory under '{arguments.Directory}'.");
            return 2;
        }

        if (arguments.Action == "stop")
        {
            foreach (var stopped in await LocalClusterProvisioner.StopAllAsync(arguments.Directory, binaries, CancellationToken.None))
            {
                Console.WriteLine($"  stopped {Path.GetFileName(stopped)}");
            }

            return 0;
        }

        // Replicas are started last, once the primary they follow answers.
        var pgCtl = Path.Combine(binaries.BinDirectory, "pg_ctl");
        foreach (var dataDirectory in replicasFirst.Reverse().Where(d => !PgCtl.IsRunning(d)))
        {
            var control = new PgCtl(pgCtl, await DataDirectoryOwner.ForAsync(dataDirectory, CancellationToken.None));
            await control.StartWaitingAsync(dataDirectory, Path.Combine(dataDirectory, "server.log"), CancellationToken.None);
            Console.WriteLine($"  started {Path.GetFileName(dataDirectory)}");
        }

        return 0;
    }
}
