using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using StackGres.Ops.Cli.Commands;

namespace StackGres.Ops.Cli;

/// <summary>
/// <c>sgops</c>, the command-line client of the StackGres.Ops worker. The whole program is
/// <see cref="RunAsync"/>, so tests run it in-process with their own output, environment and HTTP handler.
/// </summary>
public static class CliApp
{
    public static RootCommand CreateRootCommand(CliEnvironment environment)
    {
        var context = new CliContext(environment);
        return new RootCommand("sgops: run PostgreSQL day-2 operations through the StackGres.Ops worker, follow and cancel them.")
        {
            context.Url,
            context.TokenFile,
            RunCommand.Create(context),
            RunsCommand.Create(context),
            OperationsCommand.Create(context),
            ClustersCommand.Create(context),
        };
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var parse = CreateRootCommand(environment).Parse(args);
        if (parse.Action is ParseErrorAction errorAction)
        {
            // The mistake, not a screen of help that hides it.
            errorAction.ShowHelp = false;
        }

        var configuration = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            ProcessTerminationTimeout = environment.HandleTerminationSignals ? TimeSpan.FromSeconds(2) : null,
        };
        var exitCode = await parse.InvokeAsync(configuration, cancellationToken);
        await environment.Out.FlushAsync(CancellationToken.None);
        if (parse.Errors.Count == 0)
        {
            return exitCode;
        }

        await environment.Error.WriteLineAsync($"See '{string.Join(' ', Path(parse.CommandResult))} --help'.");
        return ExitCodes.BadInput;
    }

    private static IEnumerable<string> Path(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: var symbol })
            {
                names.Push(symbol is RootCommand ? "sgops" : symbol.Name);
            }
        }

        return names;
    }
}
