using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>The log line that says what became of one table.</summary>
public static class OutcomeLog
{
    public static void Write(OperationContext context, string verb, TableOutcome outcome)
    {
        var name = $"{outcome.Database}.{outcome.Schema}.{outcome.Table}";
        switch (outcome.Status)
        {
            case OutcomeStatus.Done:
                context.Events.Log(LogLevel.Information, string.Create(CultureInfo.InvariantCulture,
                    $"{verb} {name} in {outcome.DurationMs:F0} ms: {ByteSize.Format(outcome.SizeBeforeBytes)} → " +
                    $"{ByteSize.Format(outcome.SizeAfterBytes ?? outcome.SizeBeforeBytes)} ({ByteSize.Format(outcome.BytesReclaimed)} reclaimed)"));
                break;
            case OutcomeStatus.Skipped:
                context.Events.Log(LogLevel.Warning, $"skipped {name}: {outcome.Detail}");
                break;
            case OutcomeStatus.Failed:
                context.Events.Log(LogLevel.Error, $"failed {name}: {outcome.Detail}");
                break;
            default:
                break;
        }
    }
}
