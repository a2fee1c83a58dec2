using System.CommandLine;
using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Following;

namespace StackGres.Ops.Cli.Commands;

/// <summary>
/// What every command shares: the environment, the global options (<c>--url</c>, <c>--token-file</c>)
/// and the one place where failures become a message on standard error and an exit code.
/// </summary>
public sealed class CliContext
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string UrlVariable = "OPS_URL";

    public CliContext(CliEnvironment environment)
    {
        Environment = environment;
        Url = new Option<string>("--url")
        {
            Description = $"The worker's address [default: ${UrlVariable}, else {DefaultUrl}]",
            HelpName = "URL",
            Recursive = true,
        };
        TokenFile = new Option<string?>("--token-file")
        {
            Description = $"A file holding the API token [default: ${TokenSource.TokenVariable}, else the file named by ${TokenSource.TokenFileVariable}]",
            HelpName = "PATH",
            Recursive = true,
        };
    }

    public CliEnvironment Environment { get; }
    public Option<string> Url { get; }
    public Option<string?> TokenFile { get; }
    public TextWriter Out => Environment.Out;

    /// <summary>Runs <paramref name="action"/> with a client of the worker; a <see cref="CliException"/> becomes its message and exit code.</summary>
    public void SetAction(Command command, Func<ParseResult, OpsApiClient, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = Connect(parse);
                return await action(parse, api, cancellationToken);
            }
            catch (CliException e)
            {
                await Environment.Error.WriteLineAsync("sgops: " + e.Message);
                return e.ExitCode;
            }
        });
    }

    public RunFollower CreateFollower(OpsApiClient api) =>
        new(api, Environment.OutputIsTerminal
                ? new TerminalProgressBar(Environment.Out, Environment.TerminalWidth)
                : new PlainProgressLines(Environment.Out),
            Environment.PollInterval, Environment.Clock);

    private OpsApiClient Connect(ParseResult parse)
    {
        var url = parse.GetValue(Url) is { Length: > 0 } given ? given
            : Environment.GetVariable(UrlVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.BadInput, $"'{url}' is not an http:// or https:// URL (--url or ${UrlVariable}).");
        }

        var token = TokenSource.Resolve(parse.GetValue(TokenFile), Environment.GetVariable);
        return new OpsApiClient(new ApiSettings(uri, token), Environment.Handler);
    }
}
