using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>
/// Makes the cluster archive its WAL into the stanza, when asked: archive_command (and archive_mode,
/// wal_level when needed) through ALTER SYSTEM, then a reload, or a restart with pg_ctl when archive_mode or
/// wal_level changed. Every step is said in the run's log; a restart that cannot be done is refused up front.
/// </summary>
public static class ArchivingSetup
{
    public const string Unchanged = "unchanged";
    public const string Reloaded = "reloaded";
    public const string Restarted = "restarted";

    /// <summary>What stops the setup before anything is changed; null when it can go ahead.</summary>
    public static string? Refusal(ClusterConnection cluster, ServerFacts facts, bool configure)
    {
        var name = cluster.Name ?? cluster.ToString();
        if (!facts.Archiving && !configure)
        {
            return $"WAL archiving is off on cluster '{name}' (archive_mode = {facts.ArchiveMode}), and pgBackRest needs it. " +
                   "Pass configureArchiving: true to let the backup set archive_mode = on and archive_command (this restarts the " +
                   "server), or set them yourself and restart.";
        }

        if (configure && NeedsRestart(facts) && cluster.Local?.PgCtl is null)
        {
            return $"Setting up WAL archiving on cluster '{name}' needs a restart (archive_mode = {facts.ArchiveMode}, wal_level = " +
                   $"{facts.WalLevel}), and the cluster has no PgCtl configured (Ops:Clusters:{name}:PgCtl), so the worker cannot " +
                   "restart it. Configure PgCtl, or set archive_mode = on yourself and restart the server.";
        }

        return null;
    }

    public static async Task<string> EnsureAsync(NpgsqlConnection connection, ServerFacts facts, PgBackRest pgbackrest,
        ClusterConnection cluster, bool configure, IOperationEvents events, CancellationToken cancellationToken)
    {
        var wanted = pgbackrest.ArchiveCommand;
        if (facts.Archiving && string.Equals(facts.ArchiveCommand, wanted, StringComparison.Ordinal))
        {
            events.Log(LogLevel.Information, $"WAL archiving already goes to stanza {pgbackrest.Stanza} (archive_command = {wanted})");
            return Unchanged;
        }

        if (Refusal(cluster, facts, configure) is { } refusal)
        {
            throw new OperationFailedException(refusal);
        }

        if (!configure)
        {
            events.Log(LogLevel.Warning,
                $"archive_command is '{facts.ArchiveCommand}', not this repository's ('{wanted}'); left as it is because " +
                "configureArchiving is false. pgbackrest check tells whether WAL reaches the repository.");
            return Unchanged;
        }

        await AlterSystemAsync(connection, "archive_command", wanted, events, cancellationToken).ConfigureAwait(false);
        if (facts.WalLevel == "minimal")
        {
            await AlterSystemAsync(connection, "wal_level", "replica", events, cancellationToken).ConfigureAwait(false);
        }

        if (!facts.Archiving)
        {
            await AlterSystemAsync(connection, "archive_mode", "on", events, cancellationToken).ConfigureAwait(false);
        }

        if (!NeedsRestart(facts))
        {
            await using var reload = new NpgsqlCommand("SELECT pg_catalog.pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            events.Log(LogLevel.Information, "configuration reloaded (pg_reload_conf()): archive_command takes effect without a restart");
            return Reloaded;
        }

        var local = cluster.Local!;
        var pgctl = new PgCtl(local.PgCtl!, pgbackrest.Owner);
        events.Log(LogLevel.Warning,
            $"RESTARTING cluster '{cluster.Name}' (pg_ctl restart -m fast -D {local.DataDirectory}): archive_mode" +
            (facts.WalLevel == "minimal" ? " and wal_level take" : " takes") + " effect only at server start; open connections are closed");
        await connection.CloseAsync().ConfigureAwait(false);
        var log = await pgctl.RestartAsync(local.DataDirectory, cancellationToken).ConfigureAwait(false);
        events.Log(LogLevel.Information, $"cluster restarted with WAL archiving on (server output goes to {log})");
        return Restarted;
    }

    private static bool NeedsRestart(ServerFacts facts) => !facts.Archiving || facts.WalLevel == "minimal";

    private static async Task AlterSystemAsync(NpgsqlConnection connection, string setting, string value, IOperationEvents events,
        CancellationToken cancellationToken)
    {
        // ALTER SYSTEM takes no bind parameters: the value is quoted by the server itself (format %L).
        await using var build = new NpgsqlCommand("SELECT format('ALTER SYSTEM SET %I = %L', $1::text, $2::text)", connection);
        build.Parameters.Add(new NpgsqlParameter<string> { TypedValue = setting });
        build.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        var statement = (string)(await build.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var alter = new NpgsqlCommand(statement, connection);
        await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        events.Log(LogLevel.Information, statement);
    }
}
