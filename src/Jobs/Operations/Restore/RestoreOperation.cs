using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// Point-in-time recovery with pgBackRest into a new local instance (its own data directory and port; the
/// source keeps running), or over the cluster itself when the request says so and names the cluster twice.
/// Waits for recovery to reach the target, promotes, checks the server answers and reports where it got to.
/// </summary>
public sealed class RestoreOperation : IOperation
{
    public const string OperationName = "restore";

    public string Name => OperationName;

    public string Summary => "Point-in-time recovery (time, LSN, restore point or latest) into a new instance, verified.";

    public bool IsHeavy => true;


    public bool IsIdempotent => false;

    public IReadOnlyList<ParameterDefinition> Parameters => RestoreParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors) => RestoreParameters.From(values, errors);

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = RestoreParameters.From(values, errors);
        var cluster = connector.Cluster;
        if (BackupPreconditions.Missing(cluster) is { } missing)
        {
            errors.Add(missing);
            return;
        }

        LocalChecks(parameters, cluster, errors);
        await RestoreTargetCheck.CheckRepositoryAsync(cluster, parameters.Target, parameters.BackupSet, errors, cancellationToken).ConfigureAwait(false);
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var errors = new List<string>();
        var parameters = RestoreParameters.From(values, errors);
        var cluster = context.Connector.Cluster;
        if (BackupPreconditions.Missing(cluster) is { } missing)
        {
            errors.Add(missing);
        }
        else
        {
            LocalChecks(parameters, cluster, errors);
        }

        ThrowIfAny(errors);
        var pgbackrest = await PgBackRestSetup.PrepareAsync(cluster, cancellationToken).ConfigureAwait(false);
        var catalog = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
        RestoreTargetCheck.Check(parameters.Target, parameters.BackupSet, catalog, errors);
        ThrowIfAny(errors);

        var dataDirectory = parameters.Overwrite ? cluster.Local!.DataDirectory : NewDataDirectory(parameters, cluster, context.RunId);
        if (context.DryRun)
        {
            context.Events.Log(LogLevel.Information,
                $"dry run: would restore stanza {pgbackrest.Stanza} to {parameters.Target.Describe()} into {dataDirectory}" +
                (parameters.Overwrite ? " (over the cluster, after stopping it)" : string.Empty));
            context.Events.Progress(new RunProgress { Phase = "done" });
            return new { DryRun = true, pgbackrest.Stanza, Target = parameters.Target.Describe(), DataDirectory = dataDirectory, catalog.Range };
        }

        RestoreOutcome outcome;
        if (parameters.Overwrite)
        {
            var pgctl = new PgCtl(cluster.Local!.PgCtl!, pgbackrest.Owner);
            context.Events.Log(LogLevel.Warning,
                $"OVERWRITE confirmed for cluster '{cluster.Name}': stopping it (pg_ctl stop -m fast) and restoring its data directory in place");
            var logFile = await pgctl.StopAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            outcome = await InstanceRestore.InPlaceAsync(pgbackrest, pgctl, logFile, context, parameters.Target, parameters.TargetExclusive,
                parameters.BackupSet, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            outcome = await InstanceRestore.IntoNewInstanceAsync(pgbackrest, context, parameters.Target, parameters.TargetExclusive,
                parameters.BackupSet, dataDirectory, parameters.Port, cancellationToken).ConfigureAwait(false);
            context.Events.Log(LogLevel.Information,
                $"the restored instance keeps running on {outcome.Server.Host}:{outcome.Server.Port}; stop it with pg_ctl stop -D {dataDirectory}");
        }

        context.Events.Progress(new RunProgress { Phase = "done", Done = 1, Total = 1 });
        var server = outcome.Server;
        return new RestoreResult(pgbackrest.Stanza, parameters.Target.Kind.ToString().ToLowerInvariant(), parameters.Target.Describe(),
            outcome.BackupSet, parameters.Overwrite, new RestoredInstance(server.DataDirectory, server.Host, server.Port, server.LogFile),
            outcome.Reached, outcome.Databases, outcome.RestoredBytes, outcome.RestoreMs, outcome.RecoveryMs,
            Math.Round(clock.Elapsed.TotalMilliseconds, 1));
    }

    /// <summary>Checks that need this machine but no repository: the overwrite confirmation, pg_ctl, the target directory.</summary>
    private static void LocalChecks(RestoreParameters parameters, ClusterConnection cluster, List<string> errors)
    {
        if (parameters.Overwrite)
        {
            if (!string.Equals(parameters.ConfirmCluster, cluster.Name, StringComparison.Ordinal))
            {
                errors.Add($"'confirmCluster' is '{parameters.ConfirmCluster}', not this cluster's name ('{cluster.Name}'): nothing is overwritten.");
            }

            if (cluster.Local?.PgCtl is null)
            {
                errors.Add($"Restoring over cluster '{cluster.Name}' stops and starts it, and it has no PgCtl configured (Ops:Clusters:{cluster.Name}:PgCtl).");
            }

            return;
        }

        if (parameters.DataDirectory is { } directory)
        {
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                errors.Add($"The data directory '{directory}' for the new instance exists and is not empty.");
            }

            if (cluster.Local is { } local && IsSameOrInside(directory, local.DataDirectory))
            {
                errors.Add($"The data directory '{directory}' for the new instance is inside the cluster's own data directory.");
            }
        }
    }

    private static string NewDataDirectory(RestoreParameters parameters, ClusterConnection cluster, Guid runId)
    {
        if (parameters.DataDirectory is { } chosen)
        {
            return chosen;
        }

        var source = Path.TrimEndingDirectorySeparator(cluster.Local!.DataDirectory);
        var parent = Path.GetDirectoryName(source) ?? source;
        return Path.Combine(parent, $"{cluster.Name ?? "cluster"}-restore-{runId.ToString("N")[..12]}");
    }

    private static bool IsSameOrInside(string path, string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) + Path.DirectorySeparatorChar;
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal);
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new OperationFailedException(string.Join(" ", errors));
        }
    }
}
