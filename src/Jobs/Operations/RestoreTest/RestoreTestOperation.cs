using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>
/// Proves a backup: restores it to a scratch instance, checks it answers, counts chosen tables, runs amcheck
/// where installed, then drops the instance. The run fails, with the reason, when any of that goes wrong.
/// </summary>
public sealed class RestoreTestOperation : IOperation
{
    public const string OperationName = "restore-test";

    public string Name => OperationName;

    public string Summary => "Restores the latest (or a chosen) backup to a scratch instance, checks it (connect, row counts, amcheck) and drops it.";

    public bool IsHeavy => true;


    public bool IsIdempotent => true;

    public IReadOnlyList<ParameterDefinition> Parameters => RestoreTestParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors) => RestoreTestParameters.From(values, errors);

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = RestoreTestParameters.From(values, errors);
        if (BackupPreconditions.Missing(connector.Cluster, throughServer: true) is { } missing)
        {
            errors.Add(missing);
            return;
        }

        if (connector.Cluster.Backup!.Server is not null)
        {
            // Backed up through the instances' TLS server: the repository is the runner's (a Job's volume, or S3), not
            // necessarily the worker's. The runner checks it when the run starts, with the same sentences.
            return;
        }

        await RestoreTargetCheck.CheckRepositoryAsync(connector.Cluster, RestoreTarget.Latest, parameters.BackupSet, errors, cancellationToken).ConfigureAwait(false);
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var errors = new List<string>();
        var parameters = RestoreTestParameters.From(values, errors);
        var cluster = context.Connector.Cluster;
        if (BackupPreconditions.Missing(cluster, throughServer: true) is { } missing)
        {
            errors.Add(missing);
        }

        if (errors.Count > 0)
        {
            throw new OperationFailedException(string.Join(" ", errors));
        }

        var pgbackrest = await PgBackRestSetup.PrepareAsync(cluster, cancellationToken).ConfigureAwait(false);
        var catalog = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
        RestoreTargetCheck.Check(RestoreTarget.Latest, parameters.BackupSet, catalog, errors);
        if (errors.Count > 0)
        {
            throw new OperationFailedException(string.Join(" ", errors));
        }

        var set = parameters.BackupSet ?? catalog.Backups.Last(b => !b.Error).Label;
        var target = parameters.ReplayWal ? RestoreTarget.Latest : new RestoreTarget(RestoreTargetKind.Immediate, null, null, null);
        var scratch = ScratchDirectory.DataDirectoryFor(context.RunId);
        context.Events.Log(LogLevel.Information, $"restore-test of backup set {set} into scratch instance {scratch}");
        if (context.DryRun)
        {
            return new { DryRun = true, pgbackrest.Stanza, BackupSet = set, Scratch = scratch };
        }

        RestoreOutcome outcome;
        try
        {
            outcome = await InstanceRestore.IntoNewInstanceAsync(pgbackrest, context, target, false, set, scratch, 0, cancellationToken,
                    ScratchDirectory.Host)
                .ConfigureAwait(false);
        }
        catch (OperationFailedException e)
        {
            DeleteIfEmpty(Path.GetDirectoryName(scratch));
            throw new OperationFailedException($"restore-test of backup set {set} failed: {e.Message}");
        }

        try
        {
            context.Events.Progress(new RunProgress { Phase = "checking" });
            var problems = new List<string>();
            var copy = outcome.Server.Connector;
            var counts = await RestoredCopyChecks.CountAsync(copy, parameters.Database ?? cluster.Database, parameters.Tables, problems,
                cancellationToken).ConfigureAwait(false);
            foreach (var count in counts)
            {
                context.Events.Log(LogLevel.Information, $"{count.Database}.{count.Table}: {count.Rows} rows in the restored copy");
            }

            var amcheck = parameters.Amcheck
                ? await RestoredCopyChecks.AmcheckAsync(copy, outcome.Databases, cancellationToken).ConfigureAwait(false)
                : new AmcheckSummary(false, "not asked for", 0, 0, []);
            problems.AddRange(amcheck.Problems);
            context.Events.Log(LogLevel.Information, amcheck.Ran
                ? $"amcheck: {amcheck.IndexesChecked} index(es) and {amcheck.TablesChecked} table(s) checked, {amcheck.Problems.Count} problem(s)"
                : $"amcheck skipped: {amcheck.SkippedBecause}");
            if (problems.Count > 0)
            {
                throw new OperationFailedException($"restore-test of backup set {set} failed its checks: {string.Join(" ", problems)}");
            }

            context.Events.Progress(new RunProgress { Phase = "done", Done = 1, Total = 1 });
            return new RestoreTestResult(pgbackrest.Stanza, outcome.BackupSet ?? set, true, outcome.Reached, outcome.Databases, counts, amcheck,
                outcome.RestoredBytes, outcome.RestoreMs, outcome.RecoveryMs, Math.Round(clock.Elapsed.TotalMilliseconds, 1));
        }
        finally
        {
            await InstanceRestore.DiscardAsync(outcome.Server).ConfigureAwait(false);
            DeleteIfEmpty(Path.GetDirectoryName(scratch));
            context.Events.Log(LogLevel.Information, "scratch instance stopped and removed");
        }
    }

    private static void DeleteIfEmpty(string? directory)
    {
        if (directory is not null && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }
    }
}
