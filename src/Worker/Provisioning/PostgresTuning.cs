using System.Globalization;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// postgresql.conf from the container's resources, in the manner of pgtune (web/mixed profile), plus what a
/// replicated cluster needs. Each rule is written beside its code and in the README ("Cluster specs"); a spec's
/// own parameters override every tuned value.
/// </summary>
public static class PostgresTuning
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    /// <summary>The default connection limit when the spec sets none (PostgreSQL's own default).</summary>
    public const int DefaultMaxConnections = 100;

    public static SortedDictionary<string, string> Tune(TuningInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var memory = input.MemoryBytes;
        var cpus = Math.Max(1, input.Cpus);
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);

        // shared_buffers: 25% of the memory limit, at most 8GB (past that the kernel's page cache does better than
        // PostgreSQL's own buffers, the usual advice pgtune follows).
        var sharedBuffers = Math.Min(memory / 4, 8 * GiB);
        settings["shared_buffers"] = Size(sharedBuffers);

        // effective_cache_size: 75% of the memory limit, what the planner may count on being cached (buffers + OS).
        settings["effective_cache_size"] = Size(memory * 3 / 4);

        // maintenance_work_mem: 1/16 of the memory limit, at most 2GB (VACUUM, CREATE INDEX; as pgtune).
        settings["maintenance_work_mem"] = Size(Math.Min(memory / 16, 2 * GiB));

        // wal_buffers: 3% of shared_buffers, at least 64kB, at most 16MB (one WAL segment); from 14MB on, 16MB (pgtune).
        var walBuffers = Math.Clamp(sharedBuffers * 3 / 100, 64 * KiB, 16 * MiB);
        settings["wal_buffers"] = Size(walBuffers >= 14 * MiB ? 16 * MiB : walBuffers);

        // Parallelism from the cpus: max_worker_processes at least 8 (PostgreSQL's default: room for background
        // workers) and one per cpu; max_parallel_workers one per cpu; per gather and per maintenance command half
        // the cpus, at most 4 (none with one cpu: a parallel plan on one core only adds overhead).
        var perGather = Math.Min(4, cpus / 2);
        settings["max_worker_processes"] = Number(Math.Max(8, cpus));
        settings["max_parallel_workers"] = Number(cpus);
        settings["max_parallel_workers_per_gather"] = Number(perGather);
        settings["max_parallel_maintenance_workers"] = Number(perGather);

        // max_connections: the spec's, else 100; work_mem: the memory left after shared_buffers, shared by three
        // sorts or hashes per connection and by the workers of a gather; at least 64kB (pgtune's formula).
        settings["max_connections"] = Number(input.MaxConnections);
        var workMem = (memory - sharedBuffers) / (3L * input.MaxConnections) / Math.Max(1, perGather);
        settings["work_mem"] = Size(Math.Max(64 * KiB, workMem));

        // max_wal_size: a quarter of the volume, at least 256MB, at most 4GB (pgtune's web/mixed value), so WAL
        // between checkpoints never fills the volume; min_wal_size a quarter of that, at most 1GB.
        var maxWal = Math.Clamp(input.StorageBytes / 4, 256 * MiB, 4 * GiB);
        settings["max_wal_size"] = Size(maxWal);
        settings["min_wal_size"] = Size(Math.Min(maxWal / 4, GiB));
        settings["checkpoint_completion_target"] = "0.9";
        settings["default_statistics_target"] = "100";

        // Storage: on SSD or network block volumes a random read costs about a sequential one and many requests
        // can be in flight (random_page_cost 1.1, effective_io_concurrency 200); on spinning disks 4 and 2.
        settings["random_page_cost"] = input.Ssd ? "1.1" : "4";
        settings["effective_io_concurrency"] = input.Ssd ? "200" : "2";

        // Replication, fixed: WAL for replicas (replica), reads on replicas (hot_standby), pg_rewind after a
        // failover (wal_log_hints), a sender and a slot per replica with room for backups and rebuilds (2 per
        // instance, at least 10), and replicas telling the primary what they still read (hot_standby_feedback).
        var senders = Math.Max(10, 2 * input.Instances);
        settings["wal_level"] = "replica";
        settings["hot_standby"] = "on";
        settings["wal_log_hints"] = "on";
        settings["max_wal_senders"] = Number(senders);
        settings["max_replication_slots"] = Number(senders);
        settings["hot_standby_feedback"] = "on";
        return settings;
    }

    /// <summary>A size in PostgreSQL's units: whole GB, else whole MB, else kB (rounded down).</summary>
    public static string Size(long bytes)
    {
        if (bytes >= GiB && bytes % GiB == 0)
        {
            return Number(bytes / GiB) + "GB";
        }

        return bytes >= MiB && bytes % MiB == 0 ? Number(bytes / MiB) + "MB" : Number(bytes / KiB) + "kB";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
