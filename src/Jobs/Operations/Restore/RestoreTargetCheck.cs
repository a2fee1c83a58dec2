using NpgsqlTypes;
using StackGres.Ops.Jobs.Backup;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// Holds a target against what the repository can give: the stanza must exist and hold a backup, a chosen
/// backup set must be there, and a time or LSN must lie within the recoverable range.
/// </summary>
public static class RestoreTargetCheck
{
    /// <summary>The preflight of restore and restore-test: reads the repository (as the worker, on this machine) and checks the target.</summary>
    public static async Task CheckRepositoryAsync(Clusters.ClusterConnection cluster, RestoreTarget target, string? backupSet,
        List<string> errors, CancellationToken cancellationToken)
    {
        try
        {
            var pgbackrest = await PgBackRestSetup.PrepareAsync(cluster, cancellationToken).ConfigureAwait(false);
            var catalog = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken).ConfigureAwait(false);
            Check(target, backupSet, catalog, errors);
        }
        catch (OperationFailedException e)
        {
            errors.Add(e.Message);
        }
    }

    public static void Check(RestoreTarget target, string? backupSet, BackupCatalog catalog, List<string> errors)
    {
        if (!catalog.StanzaExists)
        {
            errors.Add($"Stanza '{catalog.Stanza}' does not exist in the backup repository ({catalog.Status}): nothing was ever " +
                       "backed up there. Run a backup first.");
            return;
        }

        var usable = catalog.Backups.Where(b => !b.Error).ToArray();
        if (usable.Length == 0)
        {
            errors.Add($"Stanza '{catalog.Stanza}' has no backup to restore ({catalog.Status}). Run a backup first.");
            return;
        }

        BackupSummary? chosen = null;
        if (backupSet is not null && (chosen = catalog.Find(backupSet)) is null)
        {
            errors.Add($"There is no backup set '{backupSet}' in stanza '{catalog.Stanza}'. Backup sets: " +
                       $"{string.Join(", ", usable.Select(b => b.Label))}.");
            return;
        }

        var range = catalog.Range;
        var earliest = chosen ?? usable[0];
        switch (target.Kind)
        {
            case RestoreTargetKind.Time when target.Time < earliest.RecoverableFrom:
                errors.Add($"{target.Describe()} is before the earliest {(chosen is null ? "backup" : "point of backup set")} " +
                           $"{earliest.Label}, which finished at {earliest.StoppedAt:u}: the earliest time it can restore to.");
                break;
            case RestoreTargetKind.Time when range.To is { } to && target.Time > to:
                errors.Add($"{target.Describe()} is after the latest archived WAL (segment {range.LastWal ?? "none"}, archived at " +
                           $"{to:u}): nothing after that can be replayed. Run SELECT pg_switch_wal() on the cluster and wait for " +
                           "archiving, or restore to the latest.");
                break;
            case RestoreTargetKind.Lsn when earliest.LsnStop is { } stop && NpgsqlLogSequenceNumber.TryParse(stop, out var from) && target.Lsn < from:
                errors.Add($"{target.Describe()} is before the end of backup {earliest.Label} (LSN {earliest.LsnStop}), the earliest " +
                           "position it can restore to.");
                break;
            case RestoreTargetKind.Lsn when range.ToLsn is { } last && NpgsqlLogSequenceNumber.TryParse(last, out var end) && target.Lsn > end:
                errors.Add($"{target.Describe()} is after the latest archived WAL (segment {range.LastWal}, ending at LSN {range.ToLsn}).");
                break;
        }
    }
}
