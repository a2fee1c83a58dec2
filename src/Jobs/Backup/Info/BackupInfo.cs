using System.Text.Json.Serialization;

namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>One backup set as pgBackRest describes it.</summary>
public sealed record BackupInfo(
    string Label,
    string Type,
    bool? Error,
    string? Prior,
    BackupTimestamps Timestamp,
    BackupLsn? Lsn,
    [property: JsonPropertyName("archive")] BackupWal? Wal,
    BackupSizes Info);
