using StackGres.Ops.Cli;
using Xunit;

namespace StackGres.Ops.Tests.Cli.Support;

/// <summary>
/// Runs <c>sgops</c> in-process against the fixture's worker: its real entry point, with the worker's
/// in-memory HTTP handler, captured output, and environment variables of its own (never the process's).
/// </summary>
public sealed class CliDriver(CliWorkerFixture worker)
{
    public const string Url = "http://localhost";

    /// <summary>A CLI that follows a run longer than this has hung: it is interrupted (exit 130) and the test fails.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>What <c>--open</c> starts instead of a browser; by default nothing is opened.</summary>
    public Func<string, bool> OpenInBrowser { get; init; } = _ => false;

    public Task<CliResult> RunAsync(params string[] args) => RunWithAsync(new Dictionary<string, string?> { ["OPS_API_TOKEN"] = worker.Token }, args);

    public Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string?> variables, params string[] args) =>
        RunAsync(variables, new StringWriter(), CancellationToken.None, args);

    public async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> variables, StringWriter output,
        CancellationToken cancellationToken, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        var error = new StringWriter();
        using var handler = worker.Worker.Server.CreateHandler();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            GetVariable = name => variables.GetValueOrDefault(name),
            Handler = handler,
            PollInterval = TimeSpan.FromMilliseconds(100),
            HandleTerminationSignals = false,
            OpenInBrowser = OpenInBrowser,
        };
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience);
        var exitCode = await CliApp.RunAsync([.. args, "--url", Url], environment, patience.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
