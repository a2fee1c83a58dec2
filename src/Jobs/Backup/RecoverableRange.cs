namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// What a stanza can restore to. From: the end of its earliest backup. To: the moment its newest WAL
/// segment reached the repository — every commit before that segment was closed can be replayed, and nothing
/// after that moment can. The LSNs bound a restore by LSN the same way.
/// </summary>
public sealed record RecoverableRange(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? FromLsn,
    string? ToLsn,
    string? FirstWal,
    string? LastWal);
