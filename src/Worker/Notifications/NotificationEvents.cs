using System.Text.Json;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Jobs.Operations.Verify;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>The events a sink can receive, by the name in payloads, headers and <c>Events</c> lists.</summary>
public static class NotificationEvents
{
    /// <summary>A run ended failed (a restore-test run is reported as <see cref="RestoreDrillFailed"/> instead).</summary>
    public const string RunFailed = "run.failed";

    /// <summary>A restore-test run (a restore drill) failed: the backups may not restore.</summary>
    public const string RestoreDrillFailed = "restore-drill.failed";

    /// <summary>A window's step was skipped because it would not fit in the time the window had left.</summary>
    public const string WindowStepSkipped = "window-step.skipped";

    /// <summary>No successful run of an operation on a cluster within its bound: once per episode.</summary>
    public const string OperationStale = "operation.stale";

    /// <summary>The operation succeeded again on the cluster: the episode is over.</summary>
    public const string OperationRecovered = "operation.recovered";

    /// <summary>A verify run found corruption (amcheck reported problems): the run succeeded, the data did not.</summary>
    public const string CorruptionFound = "corruption.found";

    public static readonly IReadOnlyList<string> All = [RunFailed, RestoreDrillFailed, WindowStepSkipped, CorruptionFound, OperationStale, OperationRecovered];

    /// <summary>
    /// The event a run's end raises, if any: a failure, a window step skipped for lack of time, or a succeeded verify
    /// whose <paramref name="result"/> says corrupt.
    /// </summary>
    public static string? ForRunEnd(string operation, RunStatus status, bool outOfTime, JsonElement? result = null) => status switch
    {
        RunStatus.Failed when operation == RestoreTestOperation.OperationName => RestoreDrillFailed,
        RunStatus.Failed => RunFailed,
        RunStatus.Skipped when outOfTime => WindowStepSkipped,
        RunStatus.Succeeded when operation == VerifyOperation.OperationName && Corrupt(result) => CorruptionFound,
        _ => null,
    };

    private static bool Corrupt(JsonElement? result) =>
        result is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("corrupt", out var corrupt) && corrupt.ValueKind == JsonValueKind.True;
}
