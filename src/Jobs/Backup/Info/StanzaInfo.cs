namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>One stanza of <c>pgbackrest info --output=json</c> (the parts this project reads).</summary>
public sealed record StanzaInfo(string Name, InfoStatus Status, IReadOnlyList<ArchiveInfo>? Archive, IReadOnlyList<BackupInfo>? Backup)
{
    /// <summary>pgBackRest's status codes: 1 missing stanza path, 3 missing stanza data.</summary>
    public bool StanzaMissing => Status.Code is 1 or 3;
}
