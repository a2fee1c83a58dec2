namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>The tables of one database a run will process, in order, and how many were looked at.</summary>
public sealed record TablePlan(string Database, int Considered, IReadOnlyList<PlannedTable> Tables);
