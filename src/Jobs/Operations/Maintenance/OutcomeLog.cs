using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>The log line that says what became of one table (or, for the statuses other operations share, relation).</summary>
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
            default:
                WriteNotDone(context, name, outcome.Status, outcome.Detail);
                break;
        }
    }

    /// <summary>The warning for a relation skipped, or the error for one that failed, with why; nothing for other statuses.</summary>
    public static void WriteNotDone(OperationContext context, string name, OutcomeStatus status, string? detail)
    {
        if (status == OutcomeStatus.Skipped)
        {
            context.Events.Log(LogLevel.Warning, $"skipped {name}: {detail}");
        }
        else if (status == OutcomeStatus.Failed)
        {
            context.Events.Log(LogLevel.Error, $"failed {name}: {detail}");
        }
    }
}
