using StackGres.Ops.Jobs.Backup;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>
/// What a backup did: the new backup set (label, type, sizes, WAL and LSN range), how long it took, what
/// happened to WAL archiving, which sets expired, and what the stanza can now restore to.
/// </summary>
public sealed record BackupResult(
    string Stanza,
    bool DryRun,
    string Archiving,
    bool StanzaCreated,
    BackupSummary? Backup,
    double DurationMs,
    double BackupDurationMs,
    IReadOnlyList<string> Expired,
    int BackupsKept,
    RecoverableRange Recoverable);
