using StackGres.Ops.Jobs.Backup;

namespace StackGres.Ops.Worker.Api;

/// <summary>The answer of <c>GET /api/v1/clusters/{name}/backups</c>.</summary>
public sealed record ClusterBackups(
    string Cluster,
    string Stanza,
    string Status,
    bool StanzaExists,
    IReadOnlyList<BackupSummary> Backups,
    RecoverableRange Recoverable);
