namespace StackGres.Ops.Cli;

/// <summary>A failure to tell the user in one message, with the exit code it deserves.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The worker's HTTP status when the failure is its answer; null otherwise.</summary>
    public System.Net.HttpStatusCode? Status { get; init; }
}
