using System.Text.Json;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Runner;

/// <summary>
/// One line of the runner's standard output: a log line, a progress report, or the final result.
/// The same lines reach the worker from a local process or from a Kubernetes pod's log.
/// </summary>
public sealed record RunnerEvent
{
    public const string LogType = "log";
    public const string ProgressType = "progress";
    public const string ResultType = "result";

    public required string Type { get; init; }
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public string? Level { get; init; }
    public string? Message { get; init; }
    public RunProgress? Progress { get; init; }

    /// <summary>For results: succeeded, failed or cancelled.</summary>
    public RunStatus? Status { get; init; }
    public JsonElement? Result { get; init; }
    public string? Error { get; init; }

    public string ToJsonLine() => JsonSerializer.Serialize(this, OpsJson.TypeInfo<RunnerEvent>());

    /// <summary>Parses a line; null when it is not an event (a stray line of output).</summary>
    public static RunnerEvent? TryParse(string line)
    {
        if (line.Length == 0 || line[0] != '{')
        {
            return null;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(line, OpsJson.TypeInfo<RunnerEvent>());
            return parsed?.Type is LogType or ProgressType or ResultType ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
