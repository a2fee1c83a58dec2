namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>A stanza's status: 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing stanza data, ...</summary>
public sealed record InfoStatus(int Code, string Message);
