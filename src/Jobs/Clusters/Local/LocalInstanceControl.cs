using System.Globalization;
using System.Text;
using NpgsqlTypes;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// Stops, starts, rewinds and re-points one instance that runs on this machine, through its own PostgreSQL
/// programs and as its data directory's owner. The programs come from the directory of the binary the server
/// runs now (so a restart never changes its version by accident), or from the configured pg_ctl when it is down.
/// </summary>
public sealed class LocalInstanceControl
{
    private const string AutoConfFile = "postgresql.auto.conf";
    private const string StandbySignalFile = "standby.signal";
    private readonly DataDirectoryOwner owner;

    private LocalInstanceControl(ClusterInstance instance, LocalServer local, DataDirectoryOwner owner)
    {
        Instance = instance;
        Local = local;
        this.owner = owner;
    }

    public ClusterInstance Instance { get; }

    public LocalServer Local { get; }

    public string DataDirectory => Local.DataDirectory;

    /// <summary>Refuses (with the reason) an instance whose files are not on this machine.</summary>
    public static async Task<LocalInstanceControl> ForAsync(ClusterInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Local is not { DataDirectory.Length: > 0 } local)
        {
            throw new OperationFailedException(
                $"Instance {instance} has no DataDirectory in the inventory: restarting it needs its files on this machine.");
        }

        var owner = await DataDirectoryOwner.ForAsync(local.DataDirectory, cancellationToken).ConfigureAwait(false);
        return new LocalInstanceControl(instance, local, owner);
    }

    public bool IsRunning => PgCtl.IsRunning(DataDirectory);

    /// <summary>The directory of the running server's postgres binary, read from /proc; null when it is down.</summary>
    public string? RunningBinDirectory() =>
        PgCtl.PostmasterLink(DataDirectory, "exe") is { } binary ? Path.GetDirectoryName(binary) : null;

    /// <summary>The bin directory to use for this instance now: the running binary's, else the configured pg_ctl's.</summary>
    public string CurrentBinDirectory() =>
        RunningBinDirectory()
        ?? (Local.PgCtl is { } pgCtl ? Path.GetDirectoryName(pgCtl)! : null)
        ?? throw new OperationFailedException($"Instance {Instance} is down and has no PgCtl in the inventory: cannot tell which binaries start it.");

    /// <summary><c>pg_ctl stop -m fast</c>: a clean shutdown (a primary's walsenders first hand all WAL to the replicas).</summary>
    public async Task<string> StopAsync(CancellationToken cancellationToken) =>
        await PgCtlIn(CurrentBinDirectory()).StopAsync(DataDirectory, cancellationToken).ConfigureAwait(false);

    /// <summary>Starts the server with the binaries of <paramref name="binDirectory"/>, without waiting for it.</summary>
    public Task StartAsync(string binDirectory, string logFile, CancellationToken cancellationToken) =>
        PgCtlIn(binDirectory).StartAsync(DataDirectory, logFile, serverOptions: null, cancellationToken);

    /// <summary>The "Latest checkpoint location" of pg_control (after a clean shutdown: the shutdown checkpoint).</summary>
    public async Task<NpgsqlLogSequenceNumber> LatestCheckpointAsync(string binDirectory, CancellationToken cancellationToken)
    {
        var result = await owner.RunAsync(Path.Combine(binDirectory, "pg_controldata"), ["-D", DataDirectory], cancellationToken,
            new Dictionary<string, string?> { ["LC_ALL"] = "C" }).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"pg_controldata of {Instance} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }

        foreach (var line in result.StandardOutput.Split('\n'))
        {
            if (line.StartsWith("Latest checkpoint location:", StringComparison.Ordinal))
            {
                return NpgsqlLogSequenceNumber.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            }
        }

        throw new OperationFailedException($"pg_controldata of {Instance} printed no 'Latest checkpoint location'.");
    }

    /// <summary>
    /// <c>pg_rewind</c> of this (cleanly stopped) data directory onto <paramref name="source"/>'s timeline. The password
    /// travels in PGPASSWORD, never on the command line. Returns pg_rewind's last line ("no rewind required", "Done!").
    /// </summary>
    public async Task<string> RewindAsync(string binDirectory, ClusterInstance source, string user, string? password, CancellationToken cancellationToken)
    {
        var conninfo = ConnInfo.Format(new Dictionary<string, string>
        {
            ["host"] = source.Host,
            ["port"] = source.Port.ToString(CultureInfo.InvariantCulture),
            ["user"] = user,
            ["dbname"] = "postgres",
            ["application_name"] = "stackgres-ops/pg_rewind",
        });
        var environment = new Dictionary<string, string?> { ["PGPASSWORD"] = password, ["LC_ALL"] = "C" };

        // pg_rewind copies the source's configuration files when it copies anything; the instance keeps its own
        // (its port, its cluster_name).
        var configuration = Directory.EnumerateFiles(DataDirectory, "*.conf").ToDictionary(f => f, File.ReadAllBytes, StringComparer.Ordinal);
        var result = await owner.RunAsync(Path.Combine(binDirectory, "pg_rewind"),
            ["--target-pgdata", DataDirectory, "--source-server", conninfo, "--no-sync"], cancellationToken, environment).ConfigureAwait(false);
        foreach (var (path, content) in configuration)
        {
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
            {
                await File.WriteAllBytesAsync(path, content, cancellationToken).ConfigureAwait(false);
                await owner.GiveAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
        var output = (result.StandardOutput + "\n" + result.StandardError).Trim();
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"pg_rewind of {Instance} failed (exit code {result.ExitCode}): {output}");
        }

        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "done";
        return last.StartsWith("pg_rewind: ", StringComparison.Ordinal) ? last["pg_rewind: ".Length..] : last;
    }

    /// <summary>The instance's primary_conninfo as written in its postgresql.auto.conf; null when none is.</summary>
    public string? ReadPrimaryConnInfo() => AutoConf().TryGetValue("primary_conninfo", out var value) ? value : null;

    /// <summary>
    /// Makes the instance follow <paramref name="primary"/>: primary_conninfo (<paramref name="conninfoTemplate"/> with the
    /// new host and port) and primary_slot_name in postgresql.auto.conf, and standby.signal. A running server picks the
    /// new settings up on reload (PostgreSQL 13 and later); a stopped one on start.
    /// </summary>
    public async Task FollowAsync(ClusterInstance primary, string conninfoTemplate, string slotName, CancellationToken cancellationToken)
    {
        var conninfo = ConnInfo.Parse(conninfoTemplate);
        conninfo["host"] = primary.Host;
        conninfo["port"] = primary.Port.ToString(CultureInfo.InvariantCulture);
        conninfo.Remove("hostaddr");
        var settings = AutoConf();
        settings["primary_conninfo"] = ConnInfo.Format(conninfo);
        settings["primary_slot_name"] = slotName;
        await WriteAutoConfAsync(settings, cancellationToken).ConfigureAwait(false);

        var signal = Path.Combine(DataDirectory, StandbySignalFile);
        if (!File.Exists(signal))
        {
            await File.WriteAllBytesAsync(signal, [], cancellationToken).ConfigureAwait(false);
            await owner.GiveAsync(signal, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A replication slot name for an instance name: lower-case letters, digits and '_'.</summary>
    public static string SlotNameOf(ClusterInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var builder = new StringBuilder(instance.Name.Length);
        foreach (var c in instance.Name.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return builder.ToString();
    }

    private PgCtl PgCtlIn(string binDirectory) => new(Path.Combine(binDirectory, "pg_ctl"), owner);

    /// <summary>postgresql.auto.conf as ordered settings (ALTER SYSTEM's format: one "name = 'value'" per line).</summary>
    private Dictionary<string, string> AutoConf()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.Combine(DataDirectory, AutoConfFile);
        if (!File.Exists(path))
        {
            return settings;
        }

        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            {
                value = UnquoteSetting(value[1..^1]);
            }

            settings[line[..equals].Trim()] = value;
        }

        return settings;
    }

    /// <summary>The value of a quoted setting as the configuration file parser reads it ('' and backslash escapes).</summary>
    private static string UnquoteSetting(string quoted)
    {
        var value = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            var c = quoted[i];
            if ((c == '\\' || (c == '\'' && i + 1 < quoted.Length && quoted[i + 1] == '\'')) && i + 1 < quoted.Length)
            {
                c = quoted[++i];
            }

            value.Append(c);
        }

        return value.ToString();
    }

    /// <summary>Rewrites postgresql.auto.conf in place (so it keeps its owner and mode).</summary>
    private async Task WriteAutoConfAsync(Dictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var text = new StringBuilder("# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").Append(LocalPostgresInstance.FormatSettingValue(value)).Append('\n');
        }

        var path = Path.Combine(DataDirectory, AutoConfFile);
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        await owner.GiveAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
