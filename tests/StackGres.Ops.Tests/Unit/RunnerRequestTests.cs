using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>The real runner given partial or malformed requests: a clear message and exit 2, or a failed result; never a crash.</summary>
public sealed class RunnerRequestTests
{
    private const string RunId = "\"runId\":\"0192f0a0-0000-7000-8000-000000000001\"";
    private const string Unreachable = "\"host\":\"127.0.0.1\",\"port\":1,\"username\":\"u\"";

    public static TheoryData<string, int, string> Requests => new()
    {
        { "{}", 2, "missing required properties" },
        { "not json", 2, "is not a valid run request" },
        { Request("\"vacuum\"", "null"), 2, "'cluster' is missing" },
        { Request("null", "{" + Unreachable + "}"), 2, "'operation' is missing" },
        { Request("\"vacuum\"", "{\"host\":\"\",\"username\":\"u\"}"), 2, "needs 'host' and 'username'" },
        { Request("\"vacuum\"", "{" + Unreachable + ",\"instances\":[null]}"), 2, "'cluster.instances' needs a 'host'" },
        { Request("\"vacuum\"", "{" + Unreachable + "}"), 1, "\"status\":\"failed\"" },
        { Request("\"vacuum\"", "{" + Unreachable + ",\"instances\":null}"), 1, "\"status\":\"failed\"" },
        { Request("\"vacuum\"", "{" + Unreachable + ",\"backup\":{}}"), 1, "\"status\":\"failed\"" },
        { Request("\"vacuum\"", "{" + Unreachable + "}", ",\"parameters\":{\"tables\":7}"), 2, "\"status\":\"failed\"" },
    };

    private static string Request(string operation, string cluster, string more = "") =>
        "{" + RunId + ",\"operation\":" + operation + ",\"cluster\":" + cluster + more + "}";

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task MalformedRequest_GetsAMessageAndAnExitCode_NeverACrash(string request, int exitCode, string expected)
    {
        var startInfo = new RunnerLocator(Options.Create(new ExecutorOptions())).CreateStartInfo();
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.Environment[RunRequest.EnvironmentVariable] = request;
        startInfo.Environment.Remove(RunRequest.PasswordVariable);
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var text = await output + await error;

        Assert.True(process.ExitCode == exitCode, $"exit {process.ExitCode}: {text}");
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
    }
}
