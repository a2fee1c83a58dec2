namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>A table chosen for a run, with the statistics and assessment that chose it.</summary>
public sealed record PlannedTable(string Database, TableStats Stats, NeedAssessment Need, IReadOnlyList<string> Reasons)
{
    public TableOutcome ToPlanned() => TableOutcome.Planned(Database, Stats, Need, Reasons);
}
