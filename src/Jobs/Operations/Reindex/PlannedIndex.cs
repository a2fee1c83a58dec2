namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>An index chosen for a rebuild, with why and the bloat estimate behind it.</summary>
public sealed record PlannedIndex(string Database, IndexStats Index, IReadOnlyList<string> Reasons, double? EstimatedBloatRatio)
{
    public IndexOutcome ToPlanned() => new()
    {
        Database = Database,
        Schema = Index.Schema,
        Index = Index.Name,
        Table = Index.Table,
        Status = Maintenance.OutcomeStatus.Planned,
        Reasons = Reasons,
        ValidBefore = Index.IsValid,
        SizeBeforeBytes = Index.SizeBytes,
        EstimatedBloatRatio = EstimatedBloatRatio is { } ratio ? Math.Round(ratio, 3) : null,
        FileNodeBefore = Index.FileNode,
    };
}
