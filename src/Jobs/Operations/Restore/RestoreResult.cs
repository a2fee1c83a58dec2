using System.Text.Json.Serialization;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>What a restore did: which backup, to which target, where the server runs, and the point it reached.</summary>
public sealed record RestoreResult(
    string Stanza,
    string TargetKind,
    string Target,
    string? BackupSet,
    bool Overwrite,
    RestoredInstance Instance,
    ReachedPoint Reached,
    IReadOnlyList<string> Databases,
    long RestoredBytes,
    double RestoreMs,
    double RecoveryMs,
    double DurationMs)
{
    /// <summary>Restore throughput: bytes written to the data directory per second of <c>pgbackrest restore</c>, in MB/s.</summary>
    [JsonPropertyOrder(100)]
    public double RestoreMegabytesPerSecond => RestoreMs <= 0 ? 0 : Math.Round(RestoredBytes / 1e6 / (RestoreMs / 1000), 1);
}
