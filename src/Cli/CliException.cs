namespace StackGres.Ops.Cli;

/// <summary>A failure to tell the user in one message, with the exit code it deserves.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
