namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>The WAL archive of one database history entry (<c>id</c> like <c>15-1</c>), oldest and newest segment.</summary>
public sealed record ArchiveInfo(string Id, string? Min, string? Max);
