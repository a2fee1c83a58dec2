using System.ComponentModel;
using System.Text.Json.Nodes;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// The body of <c>POST /api/v1/runs</c> as the OpenAPI document shows it. The body itself is read by
/// <see cref="RunRequestReader"/>, which gives every mistake a sentence of its own.
/// </summary>
public sealed record RunSubmissionDocument(
    [property: Description("The cluster, by its name in the inventory.")] string Cluster,
    [property: Description("The operation, by its name in GET /api/v1/operations.")] string Operation,
    [property: Description("The operation's parameters; their JSON Schema is in GET /api/v1/operations.")] JsonObject? Parameters,
    [property: Description("Plan only: say what would be done, change nothing.")] bool DryRun = false,
    [property: Description("\"parameters\" (the default), or \"findings\" (vacuum, repack, reindex): the tables or indexes of the cluster's latest " +
                           "health-check findings (table-bloat; index-bloat and invalid-index) at warning or worse, at most an hour old, in one database.")]
    string? Targets = null);
