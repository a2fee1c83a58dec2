namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>One stanza of <c>pgbackrest info --output=json</c> (the parts this project reads).</summary>
public sealed record StanzaInfo(
    string Name,
    InfoStatus Status,
    IReadOnlyList<ArchiveInfo>? Archive,
    IReadOnlyList<BackupInfo>? Backup,
    IReadOnlyList<RepositoryInfo>? Repo = null)
{
    /// <summary>pgBackRest's "other" status: the repository could not be read (permissions, a damaged info file, ...).</summary>
    public const int UnreadableCode = 99;

    /// <summary>pgBackRest's status codes: 1 missing stanza path, 3 missing stanza data.</summary>
    public bool StanzaMissing => Status.Code is 1 or 3;

    /// <summary>
    /// Why the repository cannot be read, when it cannot: pgBackRest's own error for the repository (the stanza's
    /// message is only "other"). <c>info</c> exits 0 in that case, so this is the only place the error shows.
    /// </summary>
    public string? UnreadableBecause =>
        Status.Code == UnreadableCode
            ? string.Join(" ", (Repo ?? []).Where(r => r.Status.Code == UnreadableCode).Select(r => $"repo{r.Key}: {r.Status.Message}")
                .DefaultIfEmpty(Status.Message))
            : null;
}
