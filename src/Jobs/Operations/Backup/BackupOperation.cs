using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>
/// A physical backup with pgBackRest: writes the cluster's pgbackrest.conf, creates the stanza when missing,
/// sets up WAL archiving when asked, runs <c>pgbackrest check</c>, the backup, then <c>expire</c> with the
/// retention in force, and reports the new set and what the stanza can restore to.
/// </summary>
public sealed class BackupOperation : IOperation
{
    public const string OperationName = "backup";

    public string Name => OperationName;

    public string Summary => "Full, differential or incremental physical backup with pgBackRest, WAL archiving set-up and retention.";

    public bool IsHeavy => true;


    public bool IsIdempotent => false;

    public IReadOnlyList<ParameterDefinition> Parameters => BackupParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors) => BackupParameters.Validate(values, errors);

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var cluster = connector.Cluster;
        if (BackupPreconditions.Missing(cluster, throughServer: true) is { } missing)
        {
            errors.Add(missing);
            return;
        }

        await using var connection = await connector.OpenAsync(null, cancellationToken).ConfigureAwait(false);
        var facts = await ServerFacts.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (ArchivingSetup.Refusal(cluster, facts, BackupParameters.From(values).ConfigureArchiving) is { } refusal)
        {
            errors.Add(refusal);
        }

        if (BackupPreconditions.DataDirectoryMismatch(cluster, facts) is { } mismatch)
        {
            errors.Add(mismatch);
        }
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var parameters = BackupParameters.From(values);
        var clock = Stopwatch.StartNew();
        var cluster = context.Connector.Cluster;
        if (BackupPreconditions.Missing(cluster, throughServer: true) is { } missing)
        {
            throw new OperationFailedException(missing);
        }

        ServerFacts facts;
        string connectedHost;
        await using (var probe = await context.Connector.OpenAsync(null, cancellationToken).ConfigureAwait(false))
        {
            facts = await ServerFacts.ReadAsync(probe, cancellationToken).ConfigureAwait(false);
            connectedHost = probe.Host ?? cluster.Host;
        }

        if (BackupPreconditions.DataDirectoryMismatch(cluster, facts) is { } mismatch)
        {
            throw new OperationFailedException(mismatch);
        }

        var remote = await RemoteAsync(cluster, facts, connectedHost, context, cancellationToken).ConfigureAwait(false);
        var pgbackrest = await PgBackRestSetup.PrepareAsync(cluster, cancellationToken, remote).ConfigureAwait(false);
        string[] connect = remote is null ? SocketOptions(cluster, facts) : [];
        context.Events.Log(LogLevel.Information,
            $"pgBackRest stanza {pgbackrest.Stanza}, configuration {pgbackrest.ConfigPath}, running as OS user {pgbackrest.Owner.UserName}" +
            (pgbackrest.Owner.SwitchUser ? " (through runuser)" : string.Empty));

        Progress(context, "stanza");
        var info = await pgbackrest.InfoAsync(cancellationToken).ConfigureAwait(false);
        var created = false;
        if (info.StanzaMissing && !context.DryRun)
        {
            await pgbackrest.RunCheckedAsync("stanza-create", connect, cancellationToken).ConfigureAwait(false);
            context.Events.Log(LogLevel.Information, $"created stanza {pgbackrest.Stanza} in the repository");
            created = true;
        }

        if (context.DryRun)
        {
            context.Events.Log(LogLevel.Information,
                $"dry run: would {(info.StanzaMissing ? "create the stanza, " : string.Empty)}check archiving, take a {parameters.Type} backup and expire");
            var current = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
            return new BackupResult(pgbackrest.Stanza, true, ArchivingSetup.Unchanged, false, null, clock.Elapsed.TotalMilliseconds, 0, [],
                current.Backups.Count, current.Range);
        }

        Progress(context, "archiving");
        string archiving;
        await using (var connection = await context.Connector.OpenAsync(null, cancellationToken).ConfigureAwait(false))
        {
            archiving = await ArchivingSetup.EnsureAsync(connection, facts, pgbackrest, cluster, parameters.ConfigureArchiving, context.Events,
                cancellationToken).ConfigureAwait(false);
        }

        Progress(context, "check");
        await pgbackrest.RunCheckedAsync("check", connect, cancellationToken).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information, "pgbackrest check passed: the cluster's WAL reaches the repository");

        Progress(context, "backup");
        var before = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
        var backupClock = Stopwatch.StartNew();
        await pgbackrest.RunCheckedAsync("backup", [.. connect, $"--type={parameters.Type}"], cancellationToken).ConfigureAwait(false);
        var backupElapsed = backupClock.Elapsed;
        var after = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
        var backup = after.Backups.LastOrDefault(b => before.Find(b.Label) is null)
                     ?? throw new OperationFailedException("pgbackrest backup succeeded but no new backup set appears in pgbackrest info.");
        context.Events.Log(LogLevel.Information,
            $"backup {backup.Label} ({backup.Type}) in {backupElapsed.TotalSeconds:F1} s: database {backup.DatabaseSizeBytes} bytes, " +
            $"copied {backup.BackupSizeBytes}, {backup.RepositoryDeltaBytes} bytes in the repository; WAL {backup.WalStart} to {backup.WalStop}");

        Progress(context, "expire");
        var expire = new List<string>();
        if (parameters.RetentionFull is { } full)
        {
            expire.Add($"--repo1-retention-full={full}");
        }

        if (parameters.RetentionDiff is { } diff)
        {
            expire.Add($"--repo1-retention-diff={diff}");
        }

        await pgbackrest.RunCheckedAsync("expire", expire, cancellationToken).ConfigureAwait(false);
        var kept = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
        var expired = after.Backups.Where(b => kept.Find(b.Label) is null).Select(b => b.Label).ToArray();
        context.Events.Log(LogLevel.Information, expired.Length == 0
            ? $"expire: nothing beyond retention; {kept.Backups.Count} backup(s) kept"
            : $"expire: removed {string.Join(", ", expired)}; {kept.Backups.Count} backup(s) kept");

        context.Events.Progress(new RunProgress { Phase = "done", Done = 1, Total = 1 });
        return new BackupResult(pgbackrest.Stanza, false, archiving, created, backup, Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            Math.Round(backupElapsed.TotalMilliseconds, 1), expired, kept.Backups.Count, kept.Range);
    }

    /// <summary>
    /// The primary through the pgBackRest TLS server beside it (Backup:Server), checked to answer with the runner's
    /// certificates before anything is written; null when pgBackRest runs on the primary's machine.
    /// </summary>
    private static async Task<PgBackRestRemote?> RemoteAsync(ClusterConnection cluster, ServerFacts facts, string connectedHost,
        OperationContext context, CancellationToken cancellationToken)
    {
        if (cluster.Backup?.Server is not { } server)
        {
            return null;
        }

        var name = cluster.Name ?? cluster.ToString();
        if (PgBackRestRemote.MissingCertificates(name, server) is { } missing)
        {
            throw new OperationFailedException(missing);
        }

        var dataDirectory = facts.DataDirectory
                            ?? throw new OperationFailedException(
                                $"pgBackRest needs the data directory of cluster '{name}', and its user {cluster.Username} may not read it: " +
                                $"GRANT pg_read_all_settings TO {cluster.Username} (pgBackRest's backups need a superuser or the backup functions anyway).");
        var host = server.Host ?? connectedHost;
        if (await TlsServerProbe.CheckAsync(host, server, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            throw new OperationFailedException(refused);
        }

        context.Events.Log(LogLevel.Information, $"through pgBackRest's TLS server at {host}:{server.Port} (data directory {dataDirectory})");
        return new PgBackRestRemote(host, server, dataDirectory, facts.Port, facts.SocketDirectory);
    }

    /// <summary>pgBackRest connects through the server's Unix socket only: the configured one, else the server's own.</summary>
    private static string[] SocketOptions(ClusterConnection cluster, ServerFacts facts)
    {
        if (cluster.Local?.SocketDirectory is not null)
        {
            return [];
        }

        return facts.SocketDirectory is { } socket
            ? [$"--pg1-socket-path={socket}"]
            : throw new OperationFailedException(
                $"Cluster '{cluster.Name}' listens on no Unix socket (unix_socket_directories is empty), and pgBackRest connects " +
                "only through one: configure it on the server, or set SocketDirectory for the cluster.");
    }

    private static void Progress(OperationContext context, string phase) =>
        context.Events.Progress(new RunProgress { Phase = phase });
}
