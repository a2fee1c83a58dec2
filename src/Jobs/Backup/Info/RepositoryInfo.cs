namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>One repository of a stanza in <c>pgbackrest info</c>: its key (1 for repo1) and its own status.</summary>
public sealed record RepositoryInfo(int Key, InfoStatus Status);
