namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>Whether a table needs maintenance and why, with the bloat estimate behind it.</summary>
public sealed record NeedAssessment(
    IReadOnlyList<string> Reasons,
    bool WraparoundRisk,
    double? EstimatedBloatRatio,
    long? EstimatedReclaimableBytes)
{
    public bool Needed => Reasons.Count > 0;
}
