namespace StackGres.Ops.Worker.Runs.Fleet;

/// <summary>A heavy run in the line: waiting (not admitted), admitted (its place kept) or entered (running under it).</summary>
public sealed record HeavyRunEntry(
    Guid RunId,
    string Cluster,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset QueuedAt,
    DateTimeOffset? DeadlineAt,
    string? WakeJobId,
    DateTimeOffset? AdmittedAt,
    DateTimeOffset? WokenAt,
    DateTimeOffset? EnteredAt,
    bool CancelRequested)
{
    public bool Admitted => AdmittedAt is not null;

    /// <summary>A waiting run that will never be admitted: its window closed or a cancel was asked. Woken so that it ends.</summary>
    public bool IsOver(DateTimeOffset now) => !Admitted && (CancelRequested || DeadlineAt <= now);
}
