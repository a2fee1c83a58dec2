namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>What amcheck found: whether it ran, how many indexes and tables it checked, and every problem.</summary>
public sealed record AmcheckSummary(bool Ran, string? SkippedBecause, int IndexesChecked, int TablesChecked, IReadOnlyList<string> Problems);
