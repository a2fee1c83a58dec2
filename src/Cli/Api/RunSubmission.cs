using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StackGres.Ops.Cli.Api;

/// <summary>The body of <c>POST /api/v1/runs</c>.</summary>
public sealed record RunSubmission(string Cluster, string Operation, JsonObject Parameters, bool DryRun)
{
    /// <summary>"findings": the worker takes the tables or indexes from the cluster's latest health-check; null: the parameters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Targets { get; init; }
}
