namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>The rows of one chosen table in the restored copy.</summary>
public sealed record TableCount(string Database, string Table, long Rows);
