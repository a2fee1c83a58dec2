using System.Text.Json;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>The findings of one succeeded health-check run, as its recorded result holds them.</summary>
public sealed record HealthCheckSnapshot(Guid RunId, DateTimeOffset FinishedAt, IReadOnlyList<HealthFinding> Findings)
{
    /// <summary>"health-check run 0196… of 2025-06-01 03:00:12Z".</summary>
    public string Describe() => $"health-check run {RunId} of {FinishedAt.ToUniversalTime():u}";

    /// <summary>Reads a run's result; throws <see cref="JsonException"/> when it is not a health-check result.</summary>
    public static HealthCheckSnapshot From(RunRecord run)
    {
        var result = run.Result is { } json ? json.Deserialize(OpsJson.TypeInfo<HealthCheckResult>()) : null;
        return new HealthCheckSnapshot(run.Id, run.FinishedAt ?? run.CreatedAt, result?.Findings ?? []);
    }
}
