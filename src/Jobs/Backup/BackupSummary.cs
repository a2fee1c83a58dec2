using StackGres.Ops.Jobs.Backup.Info;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>One backup set, flattened for results and the API. Sizes in bytes; the WAL it needs; when it can restore from.</summary>
public sealed record BackupSummary(
    string Label,
    string Type,
    string? Prior,
    DateTimeOffset StartedAt,
    DateTimeOffset StoppedAt,
    string? WalStart,
    string? WalStop,
    string? LsnStart,
    string? LsnStop,
    long DatabaseSizeBytes,
    long BackupSizeBytes,
    long RepositorySizeBytes,
    long RepositoryDeltaBytes,
    bool Error)
{
    /// <summary>The earliest point this backup restores to: its end (a backup is consistent only from there).</summary>
    public DateTimeOffset RecoverableFrom => StoppedAt;

    public static BackupSummary From(BackupInfo info) => new(
        info.Label,
        info.Type,
        info.Prior,
        DateTimeOffset.FromUnixTimeSeconds(info.Timestamp.Start),
        DateTimeOffset.FromUnixTimeSeconds(info.Timestamp.Stop),
        info.Wal?.Start,
        info.Wal?.Stop,
        info.Lsn?.Start,
        info.Lsn?.Stop,
        info.Info.Size,
        info.Info.Delta,
        info.Info.Repository.Size,
        info.Info.Repository.Delta,
        info.Error ?? false);
}
