using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// What a verify run checked (or, in a dry run, would check) and what amcheck found: every relation with its status
/// and problem count, and the findings (at most <see cref="RelationChecker.MaxFindingsPerRelation"/> per relation and
/// <see cref="MaxFindings"/> in all; <see cref="FindingsOmitted"/> counts the rest).
/// </summary>
public sealed record VerifyResult(
    bool DryRun,
    bool HeapAllIndexed,
    bool CheckToast,
    IReadOnlyList<string> Databases,
    IReadOnlyList<VerifiedRelation> Relations,
    IReadOnlyList<VerifyFinding> Findings,
    double DurationMs)
{
    public const int MaxFindings = 1000;

    /// <summary>Whether amcheck reported any problem.</summary>
    [JsonPropertyOrder(-8)]
    public bool Corrupt => Problems > 0;

    [JsonPropertyOrder(-7)]
    public int Problems => Relations.Sum(r => r.Problems);

    [JsonPropertyOrder(-6)]
    public int RelationsChecked => Relations.Count(r => r.Status == OutcomeStatus.Done);

    [JsonPropertyOrder(-5)]
    public int RelationsCorrupt => Relations.Count(r => r.Problems > 0);

    [JsonPropertyOrder(-4)]
    public int RelationsSkipped => Relations.Count(r => r.Status == OutcomeStatus.Skipped);

    [JsonPropertyOrder(-3)]
    public int RelationsFailed => Relations.Count(r => r.Status == OutcomeStatus.Failed);

    [JsonPropertyOrder(-2)]
    public int TablesChecked => Relations.Count(r => r.Status == OutcomeStatus.Done && r.Kind != VerifyTarget.IndexKind);

    [JsonPropertyOrder(-1)]
    public int IndexesChecked => Relations.Count(r => r.Status == OutcomeStatus.Done && r.Kind == VerifyTarget.IndexKind);

    public int FindingsOmitted => Problems - Findings.Count;
}
