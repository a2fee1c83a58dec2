namespace StackGres.Ops.Cli.Api;

/// <summary>The query of <c>GET /api/v1/runs</c>.</summary>
public sealed record RunFilter(string? Cluster, string? Status, string? Operation, int? Limit);
