using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// Provisions a local cluster: initdb a primary set up for streaming replication, then for each replica a
/// physical replication slot and <c>pg_basebackup -R -C -S slot -X stream</c> into its own data directory,
/// started on its own free port and waited on until the primary's pg_stat_replication shows it streaming.
/// </summary>
public static class LocalClusterProvisioner
{
    /// <summary>Instance names: pg0 is the first primary, pg1..pgN its replicas (names stay when roles change).</summary>
    public const string InstanceNamePrefix = "pg";
    private const string PrimaryDirectoryName = InstanceNamePrefix + "0";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Starts the primary and the replicas; on any failure everything started so far is removed again.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(binaries);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Replicas, nameof(options.Replicas));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Replicas, LocalClusterOptions.MaxReplicas, nameof(options.Replicas));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootDirectory, nameof(options.RootDirectory));
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.RootDirectory));
        if (Directory.Exists(root) || File.Exists(root))
        {
            throw new ArgumentException($"The cluster root directory '{root}' already exists; give a new one.", nameof(options));
        }

        LocalPostgresInstance? primary = null;
        var replicas = new List<LocalReplica>(options.Replicas);
        try
        {
            // The primary's start creates the root (its data directory's parent) and hands it to the postgres OS user.
            primary = await LocalPostgresInstance.StartAsync(
                InstanceOptions(options, Path.Combine(root, PrimaryDirectoryName), PrimarySettings(options)),
                binaries,
                cancellationToken).ConfigureAwait(false);

            for (var i = 1; i <= options.Replicas; i++)
            {
                var name = InstanceNamePrefix + i.ToString(CultureInfo.InvariantCulture);
                replicas.Add(await StartReplicaAsync(options, binaries, primary, root, name, cancellationToken).ConfigureAwait(false));
            }

            foreach (var replica in replicas)
            {
                await WaitUntilStreamingAsync(primary, replica, options.StreamingTimeout, cancellationToken).ConfigureAwait(false);
            }

            return new LocalCluster(root, primary, replicas, binaries);
        }
        catch
        {
            await TearDownAsync(root, primary, replicas.Select(r => r.Instance).ToArray()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops every server still running from a data directory under <paramref name="root"/> (a cluster left behind by
    /// an interrupted process) and removes the directory, so that a new cluster can be provisioned there.
    /// </summary>
    public static async Task RemoveLeftoverAsync(string root, PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        await StopAllAsync(root, binaries, cancellationToken).ConfigureAwait(false);
        Directory.Delete(root, recursive: true);
    }

    /// <summary>The data directories under <paramref name="root"/> (those holding PG_VERSION), replicas (standby.signal) first.</summary>
    public static IReadOnlyList<string> DataDirectoriesReplicasFirst(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, "PG_VERSION")))
                .OrderByDescending(d => File.Exists(Path.Combine(d, "standby.signal"))).ThenBy(d => d, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// Stops (<c>pg_ctl stop -m fast</c>, as each data directory's owner) every server running from a data directory
    /// under <paramref name="root"/>, replicas first so that no primary waits on a walsender; returns those it stopped.
    /// </summary>
    public static async Task<IReadOnlyList<string>> StopAllAsync(string root, PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var stopped = new List<string>();
        foreach (var dataDirectory in DataDirectoriesReplicasFirst(root).Where(PgCtl.IsRunning))
        {
            var owner = await DataDirectoryOwner.ForAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await new PgCtl(Path.Combine(binaries.BinDirectory, "pg_ctl"), owner).StopAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            stopped.Add(dataDirectory);
        }

        return stopped;
    }

    /// <summary>
    /// Slot names of the replicas that stream from <paramref name="primary"/> now (pg_stat_replication joined to
    /// pg_replication_slots on the walsender pid).
    /// </summary>
    public static async Task<IReadOnlyList<string>> StreamingSlotsAsync(LocalPostgresInstance primary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var builder = new NpgsqlConnectionStringBuilder(primary.ConnectionString()) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(
                """
                SELECT s.slot_name FROM pg_catalog.pg_stat_replication r
                JOIN pg_catalog.pg_replication_slots s ON s.active_pid = r.pid
                WHERE r.state = 'streaming' ORDER BY s.slot_name
                """,
                connection);
            await using (command.ConfigureAwait(false))
            {
                var slots = new List<string>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        slots.Add(reader.GetString(0));
                    }
                }

                return slots;
            }
        }
    }

    internal static async Task TearDownAsync(string root, LocalPostgresInstance? primary, IReadOnlyList<LocalPostgresInstance> replicas)
    {
        var errors = new List<Exception>();
        foreach (var instance in replicas.Reverse().Append(primary))
        {
            if (instance is null)
            {
                continue;
            }

            try
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex);
            }
        }

        try
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
        catch (IOException ex)
        {
            errors.Add(ex);
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("The local cluster could not be removed completely.", errors);
        }
    }

    private static async Task<LocalReplica> StartReplicaAsync(LocalClusterOptions options, PostgresBinaries binaries,
        LocalPostgresInstance primary, string root, string name, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(root, name);
        var slot = name;

        // -C creates the physical slot on the primary before copying, -R writes standby.signal and primary_conninfo,
        // -X stream ships the WAL written during the copy over a second connection.
        var backup = await primary.RunToolAsync(
            "pg_basebackup",
            ["-D", dataDirectory, "-R", "-C", "-S", slot, "-X", "stream", "-c", "fast", "--no-sync", "-d", "dbname=postgres"],
            cancellationToken).ConfigureAwait(false);
        if (!backup.Succeeded)
        {
            LocalPostgresInstance.TryDeleteDirectory(dataDirectory);
            throw new InvalidOperationException(
                $"pg_basebackup of replica '{name}' failed (exit code {backup.ExitCode}): {backup.StandardError.Trim()}");
        }

        // A hot standby needs max_wal_senders (and the like) at least as high as the primary's: same settings.
        var settings = PrimarySettings(options);

        // The walreceiver takes cluster_name as its application_name when primary_conninfo names none.
        settings["cluster_name"] = name;
        try
        {
            var instance = await LocalPostgresInstance.StartAsync(InstanceOptions(options, dataDirectory, settings), binaries, cancellationToken)
                .ConfigureAwait(false);
            return new LocalReplica(name, slot, instance);
        }
        catch
        {
            LocalPostgresInstance.TryDeleteDirectory(dataDirectory);
            throw;
        }
    }

    private static async Task WaitUntilStreamingAsync(LocalPostgresInstance primary, LocalReplica replica, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var streaming = await StreamingSlotsAsync(primary, cancellationToken).ConfigureAwait(false);
            if (streaming.Contains(replica.SlotName, StringComparer.Ordinal))
            {
                return;
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new InvalidOperationException(
                    $"Replica '{replica.Name}' (port {replica.Instance.Port.ToString(CultureInfo.InvariantCulture)}) did not stream from the primary " +
                    $"within {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; see {replica.Instance.LogFile}.");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, string> PrimarySettings(LocalClusterOptions options)
    {
        var senders = (options.Replicas + 4).ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(options.Settings, StringComparer.Ordinal)
        {
            ["wal_level"] = "replica",
            ["max_wal_senders"] = senders,
            ["max_replication_slots"] = senders,
            ["hot_standby"] = "on",

            // pg_rewind needs hint-bit changes in the WAL to take an old primary back after a switchover.
            ["wal_log_hints"] = "on",
            ["full_page_writes"] = "on",
            ["cluster_name"] = PrimaryDirectoryName,
        };
    }

    private static LocalInstanceOptions InstanceOptions(LocalClusterOptions options, string dataDirectory, IReadOnlyDictionary<string, string> settings) =>
        new()
        {
            DataDirectory = dataDirectory,
            Host = options.Host,
            Superuser = options.Superuser,
            Password = options.Password,
            RelaxedDurability = options.RelaxedDurability,
            Settings = settings,
            RemoveDataOnDispose = true,
        };
}
