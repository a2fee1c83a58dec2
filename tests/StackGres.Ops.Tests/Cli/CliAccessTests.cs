using System.Net;
using System.Net.Sockets;
using StackGres.Ops.Cli;
using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli;

/// <summary>Where the CLI's token comes from, and what it says when the worker refuses it or is not there.</summary>
public sealed class CliAccessTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task MissingToken_ExitsTwo_SayingHowToGiveIt()
    {
        var result = await cli.RunWithAsync(new Dictionary<string, string?>(), "operations");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no API token", result.Error, StringComparison.Ordinal);
        Assert.Contains("OPS_API_TOKEN", result.Error, StringComparison.Ordinal);
        Assert.Contains("--token-file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_ExitsFive_Unauthorized_WithoutPrintingIt()
    {
        const string wrong = "not-the-token-0123456789";

        var result = await cli.RunWithAsync(new Dictionary<string, string?> { ["OPS_API_TOKEN"] = wrong }, "runs", "list");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("unauthorized", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.Error + result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyToken_ReadsButCannotSubmit_ExitingFive()
    {
        var readOnly = new Dictionary<string, string?> { ["OPS_API_TOKEN"] = worker.ReadOnlyToken };

        var list = await cli.RunWithAsync(readOnly, "runs", "list");
        var run = await cli.RunWithAsync(readOnly, "run", "vacuum", "-c", CliWorkerFixture.Cluster, "--dry-run");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(5, run.ExitCode);
        Assert.Contains("forbidden (HTTP 403): This token may read but not change anything.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFile_FromTheOptionOrTheEnvironment_IsUsed()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, worker.Token + "\n", TestContext.Current.CancellationToken);

            var fromOption = await cli.RunWithAsync(new Dictionary<string, string?>(), "operations", "--token-file", file);
            var fromVariable = await cli.RunWithAsync(new Dictionary<string, string?> { ["OPS_API_TOKEN_FILE"] = file }, "operations");

            Assert.True(fromOption.ExitCode == 0, fromOption.ToString());
            Assert.Contains("vacuum", fromOption.Out, StringComparison.Ordinal);
            Assert.Equal(fromOption, fromVariable);
            Assert.DoesNotContain(worker.Token, fromOption.Out + fromOption.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task UnreadableTokenFile_ExitsTwo_NamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-token-" + Guid.NewGuid().ToString("N"));

        var result = await cli.RunWithAsync(new Dictionary<string, string?>(), "operations", "--token-file", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot read the token file '{missing}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableWorker_ExitsFive_SayingSo()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = new StringWriter(),
            Error = error,
            GetVariable = name => name == "OPS_API_TOKEN" ? worker.Token : null,
            HandleTerminationSignals = false,
        };

        var exitCode = await CliApp.RunAsync(["runs", "list", "--url", $"http://127.0.0.1:{port}"], environment, TestContext.Current.CancellationToken);

        Assert.Equal(5, exitCode);
        Assert.Contains($"cannot reach the worker at http://127.0.0.1:{port}/", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadUsage_ExitsTwo()
    {
        var result = await cli.RunAsync("run", "vacuum");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cluster", result.Error, StringComparison.Ordinal);
    }
}
