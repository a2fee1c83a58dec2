using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Provisioning;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary>Cluster specs for the tests, and their blueprints resolved as the worker resolves them.</summary>
public static class Specs
{
    public const string Name = "orders";

    /// <summary>An inventory cluster whose S3 repository a spec may archive to.</summary>
    public const string RepositoryCluster = "archive";

    public static ClusterSpec Minimal(Action<ClusterSpec>? change = null)
    {
        var spec = new ClusterSpec { Version = "15.10", Instances = 3, Namespace = "databases" };
        change?.Invoke(spec);
        return spec;
    }

    public static ClustersOptions Inventory() => new()
    {
        [RepositoryCluster] = new ClusterDefinition
        {
            Host = "archive.example",
            DataDirectory = "/var/lib/postgresql/15/main",
            Backup = new BackupRepository
            {
                Type = BackupRepositoryType.S3,
                Path = "/backups",
                RetentionFull = 3,
                S3 = new S3Repository { Bucket = "pg-backups", Endpoint = "s3.eu-west-1.amazonaws.com", Region = "eu-west-1", KeyEnv = "K", KeySecretEnv = "S" },
            },
        },
        ["local"] = new ClusterDefinition
        {
            Host = "127.0.0.1",
            Namespace = "from-inventory",
            DataDirectory = "/data",
            Backup = new BackupRepository { Type = BackupRepositoryType.Posix, Path = "/repo" },
        },
    };

    public static ClusterBlueprint Blueprint(ClusterSpec spec, string name = Name, string? executorNamespace = null) =>
        ClusterBlueprints.Build(name, spec, Inventory(), executorNamespace);

    public static ClusterBlueprint Blueprint(Action<ClusterSpec>? change = null) => Blueprint(Minimal(change));
}
