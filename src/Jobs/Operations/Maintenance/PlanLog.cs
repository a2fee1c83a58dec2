using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>The log lines that state a run's plan: how many tables, and each chosen one with its reasons.</summary>
public static class PlanLog
{
    public static void Write(OperationContext context, string what, string target, IReadOnlyList<TablePlan> plans, int considered)
    {
        var chosen = plans.Sum(p => p.Tables.Count);
        var estimate = plans.SelectMany(p => p.Tables).Sum(t => t.Need.EstimatedReclaimableBytes ?? 0);
        context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
            $"{what}, target {target}: {chosen} of {considered} table(s) in {plans.Count} database(s), " +
            $"about {ByteSize.Format(estimate)} to reclaim{(context.DryRun ? " (dry run: nothing is changed)" : string.Empty)}"));
        if (target == MaintenanceTarget.All && !context.DryRun)
        {
            return;
        }

        foreach (var table in plans.SelectMany(p => p.Tables))
        {
            context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                $"{(context.DryRun ? "would process" : "chosen")}: {table.Database}.{table.Stats.Display} " +
                $"({ByteSize.Format(table.Stats.TotalBytes)}): {string.Join("; ", table.Reasons)}"));
        }
    }
}
