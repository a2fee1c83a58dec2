namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>Start and stop of a backup, in Unix seconds.</summary>
public sealed record BackupTimestamps(long Start, long Stop);
