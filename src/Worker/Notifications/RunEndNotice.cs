using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>The end of a run, as far as notifications care: the run as recorded, why it ended so, and its result.</summary>
public sealed record RunEndNotice(Guid RunId, string Cluster, string Operation, string Trigger, bool DryRun, RunStatus Status, string? Reason, DateTimeOffset At)
{
    /// <summary>The run's result, for the events that depend on it (a verify that found corruption).</summary>
    public System.Text.Json.JsonElement? Result { get; init; }

    /// <summary>The event this end raises (see <see cref="NotificationEvents.ForRunEnd"/>), or null.</summary>
    public NotificationEvent? ToEvent(bool outOfTime) => NotificationEvents.ForRunEnd(Operation, Status, outOfTime, Result) switch
    {
        null => null,
        var type => new NotificationEvent(Guid.CreateVersion7(At), type, Cluster, Operation, RunId, At, Summary(type), Details(type)),
    };

    private JsonObject Details(string type)
    {
        var details = new JsonObject
        {
            ["status"] = Status.ToWireName(),
            ["reason"] = Reason,
            ["trigger"] = Trigger,
            ["dryRun"] = DryRun,
        };
        if (type == NotificationEvents.CorruptionFound && Result is { } result)
        {
            foreach (var name in new[] { "problems", "relationsCorrupt", "relationsChecked" })
            {
                if (result.TryGetProperty(name, out var value))
                {
                    details[name] = JsonNode.Parse(value.GetRawText());
                }
            }
        }

        return details;
    }

    private string Summary(string type) => type switch
    {
        NotificationEvents.CorruptionFound => $"verify found corruption on cluster {Cluster}: {Count("problems")} problem(s) in {Count("relationsCorrupt")} relation(s); the run's result names the blocks",
        NotificationEvents.RestoreDrillFailed => $"Restore drill ({Operation}) on cluster {Cluster} failed: {Reason}",
        NotificationEvents.WindowStepSkipped => $"{Operation} on cluster {Cluster} skipped ({Trigger}): {Reason}",
        _ => $"{Operation} on cluster {Cluster} failed ({Trigger}): {Reason}",
    };

    private string Count(string name) =>
        Result is { } result && result.TryGetProperty(name, out var value) ? value.GetRawText() : "?";
}
