namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// A primary and its streaming replicas on this machine, as started by <see cref="LocalClusterProvisioner"/>.
/// Disposing stops every server (replicas first) and removes the root directory.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly Lock gate = new();
    private Task? disposeTask;

    internal LocalCluster(string rootDirectory, LocalPostgresInstance primary, IReadOnlyList<LocalReplica> replicas)
    {
        RootDirectory = rootDirectory;
        Primary = primary;
        Replicas = replicas;
    }

    /// <summary>The directory holding every data directory.</summary>
    public string RootDirectory { get; }

    public LocalPostgresInstance Primary { get; }

    public IReadOnlyList<LocalReplica> Replicas { get; }

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
