namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// A primary and its streaming replicas on this machine, as started by <see cref="LocalClusterProvisioner"/>.
/// Disposing stops every server (replicas first) and removes the root directory.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly Lock gate = new();
    private Task? disposeTask;

    private readonly PostgresBinaries binaries;

    internal LocalCluster(string rootDirectory, LocalPostgresInstance primary, IReadOnlyList<LocalReplica> replicas, PostgresBinaries binaries)
    {
        this.binaries = binaries;
        RootDirectory = rootDirectory;
        Primary = primary;
        Replicas = replicas;
    }

    /// <summary>The directory holding every data directory.</summary>
    public string RootDirectory { get; }

    /// <summary>The instance started as the primary (after a switchover it is a replica: ask the servers for roles).</summary>
    public LocalPostgresInstance Primary { get; }

    /// <summary>The name the first primary goes by (its cluster_name).</summary>
    public static string PrimaryName => LocalClusterProvisioner.InstanceNamePrefix + "0";

    public IReadOnlyList<LocalReplica> Replicas { get; }

    /// <summary>Every instance as the inventory lists it: name, address, data directory and pg_ctl.</summary>
    public IReadOnlyList<ClusterInstance> ToInstances() =>
        Replicas.Select(r => (r.Name, r.Instance)).Prepend((PrimaryName, Primary)).Select(i => new ClusterInstance
        {
            Name = i.Item1,
            Host = i.Item2.Host,
            Port = i.Item2.Port,
            Local = new LocalServer { DataDirectory = i.Item2.DataDirectory, PgCtl = Path.Combine(binaries.BinDirectory, "pg_ctl") },
        }).ToArray();

    /// <summary>Stops replicas then the primary, and removes every data directory and the root.</summary>
    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            disposeTask ??= LocalClusterProvisioner.TearDownAsync(RootDirectory, Primary, Replicas.Select(r => r.Instance).ToArray());
            return new ValueTask(disposeTask);
        }
    }
}
