using System.Text.Json.Nodes;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>Something a sink is told about: what happened, where, when, in one sentence, and its details.</summary>
public sealed record NotificationEvent(
    Guid Id,
    string Type,
    string Cluster,
    string Operation,
    Guid? RunId,
    DateTimeOffset OccurredAt,
    string Summary,
    JsonObject Details);
