using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>The plan of one database for pg_repack: the chosen tables, what the server says, and those pg_repack may take.</summary>
public sealed record RepackPlan(TablePlan Plan, RepackServerInfo Server, IReadOnlyList<PlannedTable> Runnable);
