namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>The relations of one database a verify run checks, in order: each table, its TOAST table, then their B-tree indexes.</summary>
public sealed record VerifyPlan(string Database, int Tables, IReadOnlyList<VerifyTarget> Relations);
