namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>Sizes: the database, what this backup copied (delta), and the compressed bytes in the repository.</summary>
public sealed record BackupSizes(long Size, long Delta, RepositorySizes Repository);
