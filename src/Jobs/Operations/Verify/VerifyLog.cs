using System.Globalization;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>The log lines of a verify run: its plan, each relation's outcome, and the summary at the end.</summary>
internal static class VerifyLog
{
    public static void Plan(OperationContext context, VerifyParameters parameters, IReadOnlyList<VerifyPlan> plans)
    {
        var relations = plans.SelectMany(p => p.Relations).ToArray();
        var indexes = relations.Count(r => r.Kind == VerifyTarget.IndexKind);
        context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"verify with {parameters.Describe()}: {plans.Sum(p => p.Tables)} table(s), {relations.Count(r => r.Kind == VerifyTarget.ToastKind)} " +
            $"TOAST table(s) and {indexes} B-tree index(es), {ByteSize.Format(relations.Sum(r => r.SizeBytes))}, in {plans.Count} database(s)" +
            $"{(context.DryRun ? " (dry run: nothing is checked)" : string.Empty)}"));
        if (!context.DryRun)
        {
            return;
        }

        foreach (var relation in relations)
        {
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"would check: {relation.Database}.{relation.Display} ({relation.Kind}{(relation.Table is null ? string.Empty : " of " + relation.Table)}, " +
                $"{ByteSize.Format(relation.SizeBytes)}) with {relation.Check}"));
        }
    }

    public static void Outcome(OperationContext context, VerifiedRelation outcome, IReadOnlyList<VerifyFinding> findings)
    {
        var name = $"{outcome.Database}.{outcome.Schema}.{outcome.Relation}";
        switch (outcome.Status)
        {
            case OutcomeStatus.Done when outcome.Problems == 0:
                context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                    $"checked {name} ({outcome.Check}) in {outcome.DurationMs:F0} ms: no problem"));
                break;
            case OutcomeStatus.Done:
                context.Events.Log(LogLevel.Error, string.Create(CultureInfo.InvariantCulture,
                    $"corrupt: {name} ({outcome.Check}): {outcome.Problems} problem(s); {Describe(findings[0])}"));
                break;
            default:
                OutcomeLog.WriteNotDone(context, name, outcome.Status, outcome.Detail);
                break;
        }
    }

    public static void Summary(OperationContext context, VerifyResult result)
    {
        var tail = string.Create(CultureInfo.InvariantCulture,
            $"{result.RelationsChecked} relation(s) checked in {result.Databases.Count} database(s) in {result.DurationMs / 1000:0.#} s" +
            $"{(result.RelationsSkipped > 0 ? $", {result.RelationsSkipped} skipped" : string.Empty)}" +
            $"{(result.RelationsFailed > 0 ? $", {result.RelationsFailed} failed" : string.Empty)}");
        if (!result.Corrupt)
        {
            context.Events.Log(LogLevel.Information, $"verify: no corruption found; {tail}");
            return;
        }

        var corrupt = result.Relations.Where(r => r.Problems > 0)
            .Select(r => $"{r.Database}.{r.Schema}.{r.Relation} ({r.Check}: {r.Problems})");
        context.Events.Log(LogLevel.Error, string.Create(CultureInfo.InvariantCulture,
            $"verify: CORRUPTION FOUND: {result.Problems} problem(s) in {result.RelationsCorrupt} relation(s): {string.Join(", ", corrupt)}; {tail}"));
    }

    public static string Describe(VerifyFinding finding) =>
        (finding.Block is { } block
            ? string.Create(CultureInfo.InvariantCulture,
                $"block {block}{(finding.Offset is { } offset ? $" offset {offset}" : string.Empty)}" +
                $"{(finding.Attribute is { } attribute ? $" attribute {attribute}" : string.Empty)}" +
                $"{(finding.BlockOf is { } of && of != finding.Object ? $" of {of}" : string.Empty)}: ")
            : string.Empty) + finding.Message;
}
