using System.Text.Json.Nodes;

namespace StackGres.Ops.Cli.Api;

/// <summary>The body of <c>POST /api/v1/runs</c>.</summary>
public sealed record RunSubmission(string Cluster, string Operation, JsonObject Parameters, bool DryRun);
