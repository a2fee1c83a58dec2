namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>The first and last WAL segment the backup needs.</summary>
public sealed record BackupWal(string? Start, string? Stop);
