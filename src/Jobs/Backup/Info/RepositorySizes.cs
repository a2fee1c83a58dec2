namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>Bytes in the repository: the whole set and this backup's own files.</summary>
public sealed record RepositorySizes(long Size, long Delta);
