using StackGres.Ops.Jobs.Backup.Info;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// A stanza's backups as pgBackRest knows them right now (<c>info</c>, plus <c>repo-ls</c> for the time its
/// newest WAL segment was archived), with the range it can restore to.
/// </summary>
public sealed record BackupCatalog(
    string Stanza,
    int StatusCode,
    string Status,
    bool StanzaExists,
    IReadOnlyList<BackupSummary> Backups,
    RecoverableRange Range)
{
    public static async Task<BackupCatalog> ReadAsync(PgBackRest pgbackrest, CancellationToken cancellationToken)
    {
        var info = await pgbackrest.InfoAsync(cancellationToken).ConfigureAwait(false);
        var backups = (info.Backup ?? []).Select(BackupSummary.From).OrderBy(b => b.StoppedAt).ToArray();
        var archive = info.Archive?.LastOrDefault(a => a.Max is not null);
        DateTimeOffset? archivedAt = archive is { Max: { } max }
            ? await pgbackrest.ArchivedAtAsync(archive.Id, max, cancellationToken).ConfigureAwait(false)
            : null;
        return new BackupCatalog(info.Name, info.Status.Code, info.Status.Message, !info.StanzaMissing, backups, RangeOf(backups, archive, archivedAt));
    }

    internal static RecoverableRange RangeOf(IReadOnlyList<BackupSummary> backups, ArchiveInfo? archive, DateTimeOffset? archivedAt)
    {
        var usable = backups.Where(b => !b.Error).ToArray();
        if (usable.Length == 0)
        {
            return new RecoverableRange(null, null, null, null, archive?.Min, archive?.Max);
        }

        var first = usable[0];
        var last = usable[^1];
        var endLsn = WalPosition.SegmentEnd(archive?.Max);
        DateTimeOffset to = archivedAt is { } archived && archived > last.StoppedAt ? archived : last.StoppedAt;
        return new RecoverableRange(
            first.RecoverableFrom,
            to,
            first.LsnStop,
            endLsn?.ToString() ?? last.LsnStop,
            archive?.Min,
            archive?.Max);
    }

    public BackupSummary? Find(string label) => Backups.FirstOrDefault(b => string.Equals(b.Label, label, StringComparison.Ordinal));
}
