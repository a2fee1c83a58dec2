namespace StackGres.Ops.Tests.Cli.Support;

/// <summary>What one <c>sgops</c> invocation printed and exited with.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
