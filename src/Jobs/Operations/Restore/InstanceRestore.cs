using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// The restore itself, shared by <c>restore</c> and <c>restore-test</c>: <c>pgbackrest restore</c> into a data
/// directory, then the server started on it, followed until it promotes, and asked where it got to.
/// </summary>
public static partial class InstanceRestore
{
    /// <summary>
    /// Restores into a new, empty data directory and starts it on its own port. Its WAL archiving is turned off
    /// (<c>--archive-mode=off</c>): a copy must never push a new timeline into the source's archive. On failure the
    /// server is stopped and the directory removed.
    /// </summary>
    /// <param name="host">The address the new server listens on (and is reached at); null: the cluster's host.</param>
    public static async Task<RestoreOutcome> IntoNewInstanceAsync(PgBackRest pgbackrest, OperationContext context, RestoreTarget target,
        bool exclusive, string? backupSet, string dataDirectory, int port, CancellationToken cancellationToken, string? host = null)
    {
        var cluster = context.Connector.Cluster;
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new OperationFailedException($"The new instance's data directory '{dataDirectory}' is not empty.");
        }

        host ??= cluster.Host;
        port = port == 0 ? FreePort(host) : port;
        var pgctl = new PgCtl(PgCtlPath(cluster.Local?.PgCtl), pgbackrest.Owner);
        var server = new RestoredServer(dataDirectory, host, port, Path.Combine(dataDirectory, RestoredServer.NewInstanceLogName),
            ownAddress: true, pgctl, context.Connector.ForServer(host, port));
        try
        {
            await pgbackrest.Owner.CreateDirectoryAsync(dataDirectory, privateMode: true, cancellationToken).ConfigureAwait(false);
            return await RestoreAndRecoverAsync(pgbackrest, server, context, target, exclusive, backupSet,
                ["--archive-mode=off", $"--pg1-path={dataDirectory}"], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DiscardAsync(server).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Restores into the stopped source's own data directory (<c>--delta</c>) and starts it with its own configuration.</summary>
    public static Task<RestoreOutcome> InPlaceAsync(PgBackRest pgbackrest, PgCtl pgctl, string logFile, OperationContext context,
        RestoreTarget target, bool exclusive, string? backupSet, CancellationToken cancellationToken)
    {
        var cluster = context.Connector.Cluster;
        var server = new RestoredServer(cluster.Local!.DataDirectory, cluster.Host, cluster.Port, logFile, ownAddress: false, pgctl,
            context.Connector);
        return RestoreAndRecoverAsync(pgbackrest, server, context, target, exclusive, backupSet, ["--delta"], cancellationToken);
    }

    /// <summary>Stops the server and removes its data directory (a scratch instance, or a failed new one).</summary>
    public static async Task DiscardAsync(RestoredServer server)
    {
        try
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationFailedException)
        {
            // Not started, or already gone: the directory goes all the same.
        }

        for (var attempt = 1; Directory.Exists(server.DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(server.DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200 * attempt).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The pg_ctl to start restored servers with: the cluster's, else the installed PostgreSQL's.</summary>
    public static string PgCtlPath(string? configured) => configured ?? PostgresBinaries.Locate().Tool("pg_ctl");

    private static async Task<RestoreOutcome> RestoreAndRecoverAsync(PgBackRest pgbackrest, RestoredServer server, OperationContext context,
        RestoreTarget target, bool exclusive, string? backupSet, IReadOnlyList<string> placement, CancellationToken cancellationToken)
    {
        List<string> options = [.. placement, "--log-level-console=info", .. target.PgBackRestOptions];
        if (target.Kind != RestoreTargetKind.Latest)
        {
            options.Add("--target-action=promote");
        }

        if (exclusive && target.Kind is RestoreTargetKind.Time or RestoreTargetKind.Lsn)
        {
            options.Add("--target-exclusive");
        }

        if (backupSet is not null)
        {
            options.Add($"--set={backupSet}");
        }

        context.Events.Progress(new RunProgress { Phase = "restoring" });
        context.Events.Log(LogLevel.Information, $"pgbackrest restore to {target.Describe()} into {server.DataDirectory}");
        var clock = Stopwatch.StartNew();
        var restore = await pgbackrest.RunCheckedAsync("restore", options, cancellationToken).ConfigureAwait(false);
        var restoreMs = clock.Elapsed.TotalMilliseconds;
        var set = RestoredSet().Match(restore.StandardOutput) is { Success: true } match ? match.Groups[1].Value : backupSet;
        var bytes = DirectorySize(server.DataDirectory);
        context.Events.Log(LogLevel.Information,
            $"restored backup set {set ?? "?"}: {bytes} bytes in {restoreMs / 1000:F1} s; starting the server on {server.Host}:{server.Port} for recovery");
        RemoveRestoredSocketLocks(server.DataDirectory, context.Events);

        context.Events.Progress(new RunProgress { Phase = "recovering" });
        clock.Restart();
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        await server.WaitForPromotionAsync(cancellationToken).ConfigureAwait(false);
        var recoveryMs = clock.Elapsed.TotalMilliseconds;

        context.Events.Progress(new RunProgress { Phase = "verifying" });
        var reached = await server.ReadReachedPointAsync(cancellationToken).ConfigureAwait(false);
        var databases = await server.ListDatabasesAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information,
            $"recovery done in {recoveryMs / 1000:F1} s and promoted on timeline {reached.Timeline}: last replayed transaction committed at " +
            $"{reached.LastTransactionAt?.ToString("O") ?? "(none)"}, WAL replayed to {reached.ReplayLsn}; answers with databases {string.Join(", ", databases)}");
        return new RestoreOutcome(server, set, bytes, Math.Round(restoreMs, 1), Math.Round(recoveryMs, 1), reached, databases);
    }

    /// <summary>
    /// Removes the Unix socket lock files (<c>.s.PGSQL.PORT.lock</c>) that pgBackRest copied back with the data directory when
    /// the server kept its socket there. They name the postmaster that ran at backup time: restored over the same cluster,
    /// whose old postmaster may not be reaped yet (a zombie still answers kill(pid, 0)), the server refuses to start with
    /// "lock file already exists". Nothing else can hold them: the restored directory has no running server.
    /// </summary>
    private static void RemoveRestoredSocketLocks(string dataDirectory, IOperationEvents events)
    {
        foreach (var lockFile in Directory.EnumerateFiles(dataDirectory, ".s.PGSQL.*.lock"))
        {
            File.Delete(lockFile);
            events.Log(LogLevel.Information,
                $"removed {Path.GetFileName(lockFile)}, a socket lock file of the server at backup time restored with the data directory");
        }
    }

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Sum(f => f.Length);

    private static int FreePort(string host)
    {
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Loopback;
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"restore backup set (\S+?),")]
    private static partial Regex RestoredSet();
}
