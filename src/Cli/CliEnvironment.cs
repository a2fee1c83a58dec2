namespace StackGres.Ops.Cli;

/// <summary>
/// What the CLI takes from the world around it: its output streams, whether standard output is a
/// terminal, environment variables, the clock and, for tests, the HTTP handler that reaches the worker.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }

    /// <summary>Standard input, read by <c>--params-file -</c>.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>True when standard output is a terminal: a redrawn progress bar instead of periodic lines.</summary>
    public bool OutputIsTerminal { get; init; }

    public int TerminalWidth { get; init; } = 80;

    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The handler that carries requests to the worker; null for a real network connection.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>How often a followed run is polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether Ctrl-C and SIGTERM are turned into cancellation (off in tests, which cancel by token).</summary>
    public bool HandleTerminationSignals { get; init; } = true;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Opens a local file in the desktop's browser (<c>$BROWSER</c>, else <c>xdg-open</c>); false when none could be started.</summary>
    public Func<string, bool> OpenInBrowser { get; init; } = BrowserOpener.Open;

    public static CliEnvironment FromProcess()
    {
        var terminal = !Console.IsOutputRedirected;
        return new CliEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            OutputIsTerminal = terminal,
            TerminalWidth = terminal ? WindowWidth() : 80,
        };
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
