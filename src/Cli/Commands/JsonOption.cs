using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>--json</c>: print the worker's answer as JSON, for scripts.</summary>
public static class JsonOption
{
    public static Option<bool> Create() => new("--json") { Description = "Print the worker's answer as JSON" };
}
