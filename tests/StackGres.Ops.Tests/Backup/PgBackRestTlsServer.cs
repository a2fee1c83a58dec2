using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Worker.Support;

namespace StackGres.Ops.Tests.Backup;

/// <summary>
/// The instance's pgBackRest TLS server sidecar, played on this machine: <c>pgbackrest server</c> run as the data
/// directory's owner beside a <see cref="BackupCluster"/>, with certificates this class makes (a CA, the server's for
/// <c>localhost</c>, the runner's client certificate with CN <see cref="ClientName"/>, and a stranger's signed by another
/// CA), its own pgbackrest.conf for archive-push into the same POSIX repository, and that repository made ahead,
/// owned by the same user, as an instance's volume would be.
/// </summary>
public sealed class PgBackRestTlsServer : IAsyncDisposable
{
    public const string ClientName = "stackgres-ops";
    public const string Host = "localhost";

    private readonly Process process;

    private PgBackRestTlsServer(string root, int port, Process process)
    {
        Root = root;
        Port = port;
        this.process = process;
    }

    public string Root { get; }

    public int Port { get; }

    /// <summary>The runner's certificates (<c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>).</summary>
    public string ClientCertificates => Path.Combine(Root, "client");

    /// <summary>A client certificate the server's CA never signed, and the right CA for the server's.</summary>
    public string StrangerCertificates => Path.Combine(Root, "stranger");

    /// <summary>The instance-side pgbackrest.conf (what archive_command names).</summary>
    public string ConfigPath => Path.Combine(Root, "server", "pgbackrest.conf");

    public static async Task<PgBackRestTlsServer> StartAsync(BackupCluster cluster, string stanza, CancellationToken cancellationToken)
    {
        var root = Path.Combine(cluster.Root, "tls");
        var owner = await DataDirectoryOwner.ForAsync(cluster.Server.DataDirectory, cancellationToken);
        foreach (var directory in new[] { "server", "client", "stranger", "server/log", "server/lock" })
        {
            await owner.CreateDirectoryAsync(Path.Combine(root, directory), privateMode: true, cancellationToken);
        }

        await owner.CreateDirectoryAsync(cluster.Repository, privateMode: true, cancellationToken);
        WriteCertificates(root);
        var port = LocalPostgresInstance.PickFreePort("127.0.0.1");
        string socket;
        await using (var connection = await Db.OpenAsync(cluster.ConnectionString))
        await using (var command = new NpgsqlCommand("SELECT split_part(current_setting('unix_socket_directories'), ',', 1)", connection))
        {
            socket = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await File.WriteAllTextAsync(Path.Combine(root, "server", "pgbackrest.conf"), $"""
            [global]
            repo1-path={cluster.Repository}
            log-path={root}/server/log
            lock-path={root}/server/lock
            log-level-file=detail
            tls-server-address=127.0.0.1
            tls-server-port={port}
            tls-server-ca-file={root}/server/ca.crt
            tls-server-cert-file={root}/server/tls.crt
            tls-server-key-file={root}/server/tls.key
            tls-server-auth={ClientName}={stanza}

            [{stanza}]
            pg1-path={cluster.Server.DataDirectory}
            pg1-port={cluster.Server.Port}
            pg1-socket-path={socket}
            """, cancellationToken);
        await owner.GiveAsync(root, cancellationToken);

        var pgbackrest = PgBackRestSetup.LocateExecutable();
        var start = owner.SwitchUser
            ? new ProcessStartInfo(LocalPostgresInstance.FindSystemProgram("runuser"), ["-u", owner.UserName, "--", pgbackrest, $"--config={Path.Combine(root, "server", "pgbackrest.conf")}", "server"])
            : new ProcessStartInfo(pgbackrest, [$"--config={Path.Combine(root, "server", "pgbackrest.conf")}", "server"]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PgBackRestTlsServer(root, port, process);
        await Db.WaitUntilAsync(() => Task.FromResult(server.Listening()), TimeSpan.FromSeconds(30), "pgbackrest server to listen");
        return server;
    }

    /// <summary>The worker's settings for cluster "demo" backed up through this server, with the given certificates.</summary>
    public WorkerFactory Configure(WorkerFactory worker, BackupCluster cluster, string? certificateDirectory = null)
    {
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        return worker.WithSetting($"{key}:SslMode", "Disable")
            .WithSetting($"{key}:Backup:Path", cluster.Repository)
            .WithSetting($"{key}:Backup:RetentionFull", "1")
            .WithSetting($"{key}:Backup:Server:Host", Host)
            .WithSetting($"{key}:Backup:Server:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting($"{key}:Backup:Server:ConfigPath", ConfigPath)
            .WithSetting($"{key}:Backup:Server:CertificateDirectory", certificateDirectory ?? ClientCertificates);
    }

    /// <summary>The client certificate files, as a Secret's data.</summary>
    public Dictionary<string, string> ClientSecretData() => new[] { PgBackRestServer.CaFile, PgBackRestServer.CertificateFile, PgBackRestServer.KeyFile }
        .ToDictionary(name => name, name => File.ReadAllText(Path.Combine(ClientCertificates, name)), StringComparer.Ordinal);

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool Listening()
    {
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            tcp.Connect("127.0.0.1", Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return !process.HasExited ? false : throw new InvalidOperationException($"pgbackrest server exited with {process.ExitCode}");
        }
    }

    private static void WriteCertificates(string root)
    {
        var now = DateTimeOffset.UtcNow;
        using var authority = Authority("stackgres-ops-tests-ca", now);
        using var otherAuthority = Authority("someone-elses-ca", now);
        Write(Path.Combine(root, "server"), authority, authority, $"CN={Host}", serverName: Host, now);
        Write(Path.Combine(root, "client"), authority, authority, $"CN={ClientName}", serverName: null, now);
        Write(Path.Combine(root, "stranger"), authority, otherAuthority, $"CN={ClientName}", serverName: null, now);
    }

    private static X509Certificate2 Authority(string name, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
    }

    /// <summary>Writes <c>ca.crt</c> (<paramref name="trusted"/>), and <c>tls.crt</c>/<c>tls.key</c> signed by <paramref name="issuer"/>.</summary>
    private static void Write(string directory, X509Certificate2 trusted, X509Certificate2 issuer, string subject, string? serverName, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverName is null ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        if (serverName is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(serverName);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.Create(issuer, now.AddMinutes(-5), now.AddDays(2), RandomNumberGenerator.GetBytes(12));
        File.WriteAllText(Path.Combine(directory, PgBackRestServer.CaFile), trusted.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, PgBackRestServer.CertificateFile), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, PgBackRestServer.KeyFile), key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(directory, PgBackRestServer.KeyFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
