namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>The backup's start and stop LSN, as <c>X/Y</c>.</summary>
public sealed record BackupLsn(string? Start, string? Stop);
