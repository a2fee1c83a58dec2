using System.Diagnostics;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>A worker whose database cannot be reached says so in one line and exits 1, without a stack trace.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task Unreachable_storage_is_one_fatal_line_and_exit_code_1()
    {
        var ct = TestContext.Current.CancellationToken;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Worker.dll"));
        info.Environment["ConnectionStrings__Ops"] = "Host=127.0.0.1;Port=1;Username=ops;Password=not-shown-anywhere;Database=ops;Timeout=3";
        info.Environment["OPS_API_TOKEN"] = "0123456789abcdef0123456789";
        info.Environment["Ops__Clusters__a__Host"] = "127.0.0.1";
        info.Environment["urls"] = "http://127.0.0.1:0";
        info.Environment["Ops__Logging__Format"] = "text";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var all = await output + await error;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("FTL The worker's database (ConnectionStrings:Ops) cannot be reached", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", all, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown-anywhere", all, StringComparison.Ordinal);
    }
}
