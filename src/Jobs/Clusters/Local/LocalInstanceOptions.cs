namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>How to create and run a throw-away local PostgreSQL server.</summary>
public sealed record LocalInstanceOptions
{
    /// <summary>The cluster data directory; created if missing, initdb runs when it has no PG_VERSION.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The TCP address the server listens on (listen_addresses).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free port on <see cref="Host"/>.</summary>
    public int Port { get; init; }

    /// <summary>The bootstrap superuser name.</summary>
    public string Superuser { get; init; } = "postgres";

    /// <summary>The superuser password; host connections use scram-sha-256.</summary>
    public required string Password { get; init; }

    /// <summary>When true: fsync=off, synchronous_commit=off, full_page_writes=off (fast, unsafe on crash).</summary>
    public bool RelaxedDurability { get; init; } = true;

    /// <summary>Extra postgresql.conf settings, written after the built-in ones (so they win).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Delete <see cref="DataDirectory"/> when the instance is disposed.</summary>
    public bool RemoveDataOnDispose { get; init; } = true;
}
