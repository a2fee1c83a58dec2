namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>Which tables a run looks at, and whether it keeps only those that need it.</summary>
public sealed record TableScope(IReadOnlyList<string> Tables, IReadOnlyList<string> Schemas, bool OnlyNeeded, NeedThresholds Thresholds);
