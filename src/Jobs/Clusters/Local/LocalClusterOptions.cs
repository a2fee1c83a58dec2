namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>How to provision a local cluster: one primary and <see cref="Replicas"/> streaming replicas on this machine.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Largest number of replicas one local cluster may have.</summary>
    public const int MaxReplicas = 8;

    /// <summary>A directory that must not exist yet: it is created, holds every data directory and is removed on dispose.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>How many streaming replicas to start next to the primary.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The superuser password of every instance (host connections use scram-sha-256).</summary>
    public required string Password { get; init; }

    /// <summary>The address every instance listens on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The bootstrap superuser, also the replication user.</summary>
    public string Superuser { get; init; } = "postgres";

    /// <summary>fsync, synchronous_commit and full_page_writes off (fast, unsafe on crash).</summary>
    public bool RelaxedDurability { get; init; } = true;

    /// <summary>Extra postgresql.conf settings for every instance.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for each replica to stream from the primary.</summary>
    public TimeSpan StreamingTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
