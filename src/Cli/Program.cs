namespace StackGres.Ops.Cli;

/// <summary>The <c>sgops</c> executable; everything it does is in <see cref="CliApp"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None);
}
