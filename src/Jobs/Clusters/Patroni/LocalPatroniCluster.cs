using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Patroni;

/// <summary>
/// Three real Patroni 3 members on this machine (Debian's patroni package, its built-in Raft as the DCS), each
/// bootstrapping or cloning its own PostgreSQL 15 — the way the pods of StackGres or Zalando's operator run.
/// </summary>
public sealed class LocalPatroniCluster : IAsyncDisposable
{
    private const string Patroni = "/usr/bin/patroni";
    private readonly string root;
    private readonly List<Process> processes = [];

    private LocalPatroniCluster(string root, string password, IReadOnlyList<(string Name, int Api, int Postgres)> members)
    {
        this.root = root;
        Password = password;
        Members = members;
    }

    public string Password { get; }

    public IReadOnlyList<(string Name, int Api, int Postgres)> Members { get; }

    public PatroniEndpoint Endpoint => new() { Urls = Members.Select(m => $"http://127.0.0.1:{m.Api}").ToArray() };

    public ClusterConnection Connection => new()
    {
        Name = "patroni",
        Host = string.Join(',', Members.Select(m => $"127.0.0.1:{m.Postgres}")),
        Username = "postgres",
        SslMode = SslMode.Disable,
        Instances = Members.Select(m => new ClusterInstance { Name = m.Name, Host = "127.0.0.1", Port = m.Postgres }).ToArray(),
        Patroni = Endpoint,
    };

    public IReadOnlyList<(string Name, string ConnectionString)> ConnectionStrings => Members.Select(m => (m.Name, new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = m.Postgres,
        Username = "postgres",
        Password = Password,
        Pooling = false,
        Timeout = 2,
        SslMode = SslMode.Disable,
    }.ConnectionString)).ToArray();

    public static async Task<LocalPatroniCluster> StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Patroni))
        {
            throw new InvalidOperationException("Patroni is not installed: scripts/install-deps.sh installs the Debian packages patroni and python3-pysyncobj.");
        }

        var root = Path.Combine(Path.GetTempPath(), "stackgres-ops-patroni-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var members = Enumerable.Range(0, 3).Select(i => ($"pg{i}", LocalPostgresInstance.PickFreePort("127.0.0.1"), LocalPostgresInstance.PickFreePort("127.0.0.1"))).ToArray();
        var raft = Enumerable.Range(0, 3).Select(_ => LocalPostgresInstance.PickFreePort("127.0.0.1")).ToArray();
        var cluster = new LocalPatroniCluster(root, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), members);
        try
        {
            var bin = PostgresBinaries.Locate().BinDirectory;
            for (var i = 0; i < members.Length; i++)
            {
                var partners = string.Join(", ", raft.Where((_, j) => j != i).Select(p => $"\"127.0.0.1:{p}\""));
                await File.WriteAllTextAsync(Path.Combine(root, $"{members[i].Item1}.yml"), $$"""
                    scope: ops-test
                    name: {{members[i].Item1}}
                    restapi:
                      listen: 127.0.0.1:{{members[i].Item2}}
                      connect_address: 127.0.0.1:{{members[i].Item2}}
                    raft:
                      data_dir: {{root}}/raft{{i}}
                      self_addr: 127.0.0.1:{{raft[i]}}
                      partner_addrs: [{{partners}}]
                    bootstrap:
                      dcs:
                        ttl: 30
                        loop_wait: 1
                        retry_timeout: 10
                        maximum_lag_on_failover: 1048576
                        postgresql:
                          use_pg_rewind: true
                          parameters:
                            wal_log_hints: 'on'
                      initdb:
                        - encoding: UTF8
                      pg_hba:
                        - local all all trust
                        - host all all 127.0.0.1/32 scram-sha-256
                        - host replication all 127.0.0.1/32 scram-sha-256
                    postgresql:
                      listen: 127.0.0.1:{{members[i].Item3}}
                      connect_address: 127.0.0.1:{{members[i].Item3}}
                      data_dir: {{root}}/data{{i}}
                      bin_dir: {{bin}}
                      authentication:
                        superuser: {username: postgres, password: '{{cluster.Password}}'}
                        replication: {username: replicator, password: '{{cluster.Password}}'}
                      parameters:
                        unix_socket_directories: '{{root}}'
                    """, cancellationToken);
            }

            if (LocalPostgresInstance.IsPrivileged())
            {
                await RunAsync("chown", ["-R", "postgres:", root], cancellationToken);
            }

            foreach (var (name, _, _) in members)
            {
                var config = Path.Combine(root, $"{name}.yml");
                var start = LocalPostgresInstance.IsPrivileged()
                    ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Patroni, config])
                    : new ProcessStartInfo(Patroni, [config]);
                start.RedirectStandardOutput = true;
                start.RedirectStandardError = true;
                start.WorkingDirectory = "/";
                var process = Process.Start(start)!;
                var log = Path.Combine(root, $"{name}.log");
                _ = PumpAsync(process.StandardOutput, log);
                _ = PumpAsync(process.StandardError, log);
                cluster.processes.Add(process);
            }

            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>GET /cluster from the first member that answers.</summary>
    public async Task<IReadOnlyList<PatroniMember>> MembersAsync(CancellationToken cancellationToken)
    {
        using var client = new PatroniClient(Endpoint, TimeSpan.FromSeconds(5));
        return await client.ClusterAsync(cancellationToken);
    }

    /// <summary>Each member's postmaster start time (GET /patroni).</summary>
    public async Task<Dictionary<string, string?>> StartTimesAsync(CancellationToken cancellationToken)
    {
        using var client = new PatroniClient(Endpoint, TimeSpan.FromSeconds(5));
        var times = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var member in await client.ClusterAsync(cancellationToken))
        {
            times[member.Name] = await client.PostmasterStartAsync(member, cancellationToken);
        }

        return times;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Where(p => !p.HasExited))
        {
            // SIGTERM: Patroni stops its PostgreSQL before it exits (runuser passes the signal on).
            await RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
        }

        foreach (var process in processes)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        // A server Patroni could not stop in time.
        await LocalClusterProvisioner.StopAllAsync(root, PostgresBinaries.Locate(), CancellationToken.None);

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < timeout)
        {
            try
            {
                var members = await MembersAsync(cancellationToken);
                last = string.Join("; ", members.Select(m => $"{m.Name} {m.Role} {m.State} lag {m.LagBytes}"));
                if (members.Count == 3 && members.Count(m => m.IsLeader && m.State == "running") == 1 && members.Count(m => m.IsHealthyReplica) == 2)
                {
                    return;
                }
            }
            catch (OperationFailedException e)
            {
                last = e.Message;
            }

            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"A Patroni member exited ({exited.ExitCode}); see the logs under {root}. Last seen: {last}");
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new InvalidOperationException($"The Patroni cluster was not healthy within {timeout.TotalSeconds} s: {last}. Logs under {root}.");
    }

    private static async Task PumpAsync(StreamReader reader, string path)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            await File.AppendAllTextAsync(path, line + Environment.NewLine);
        }
    }

    private static async Task RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        await process.WaitForExitAsync(cancellationToken);
    }
}
