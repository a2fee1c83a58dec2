using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>The end of a run, as far as notifications care: the run as recorded, and why it ended so.</summary>
public sealed record RunEndNotice(Guid RunId, string Cluster, string Operation, string Trigger, bool DryRun, RunStatus Status, string? Reason, DateTimeOffset At)
{
    /// <summary>The event this end raises (see <see cref="NotificationEvents.ForRunEnd"/>), or null.</summary>
    public NotificationEvent? ToEvent(bool outOfTime) => NotificationEvents.ForRunEnd(Operation, Status, outOfTime) switch
    {
        null => null,
        var type => new NotificationEvent(Guid.CreateVersion7(At), type, Cluster, Operation, RunId, At, Summary(type), new JsonObject
        {
            ["status"] = Status.ToWireName(),
            ["reason"] = Reason,
            ["trigger"] = Trigger,
            ["dryRun"] = DryRun,
        }),
    };

    private string Summary(string type) => type switch
    {
        NotificationEvents.RestoreDrillFailed => $"Restore drill ({Operation}) on cluster {Cluster} failed: {Reason}",
        NotificationEvents.WindowStepSkipped => $"{Operation} on cluster {Cluster} skipped ({Trigger}): {Reason}",
        _ => $"{Operation} on cluster {Cluster} failed ({Trigger}): {Reason}",
    };
}
