namespace StackGres.Ops.Cli;

/// <summary>What <c>sgops</c> exits with; a followed run's outcome decides 0, 1, 3 and 4.</summary>
public static class ExitCodes
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 3;
    public const int Skipped = 4;

    /// <summary>The worker cannot be reached, refuses the token, or fails itself.</summary>
    public const int WorkerUnavailable = 5;

    /// <summary>Ctrl-C while following: the run goes on.</summary>
    public const int Interrupted = 130;

    public static int FromStatus(string status) => status switch
    {
        "succeeded" => Succeeded,
        "cancelled" => Cancelled,
        "skipped" => Skipped,
        _ => Failed,
    };
}
