namespace StackGres.Ops.Jobs.Runs;

public static class RunStatusExtensions
{
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Skipped;

    /// <summary>The name used in the API, the database and logs ("succeeded").</summary>
    public static string ToWireName(this RunStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParseWireName(string? value, out RunStatus status) =>
        Enum.TryParse(value, ignoreCase: true, out status) && Enum.IsDefined(status) && !int.TryParse(value, out _);
}
