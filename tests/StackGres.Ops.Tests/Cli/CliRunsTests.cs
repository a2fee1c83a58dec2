using System.Text.Json;
using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli;

/// <summary><c>sgops runs ...</c> and Ctrl-C, on runs kept running by a lock on their table.</summary>
public sealed class CliRunsTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task RunsListShowCancelWait_ManageARunningRun()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var table = await worker.CreateTableAsync("held");
        await using var tableLock = await TableLock.TakeAsync(worker.ClusterConnectionString, table, cancellationToken);
        var submitted = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "-p", $"tables={table}", "-p", "lockTimeout=0", "--no-follow");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = submitted.Out.Trim();
        await tableLock.WaitForWaiterAsync(cancellationToken);

        var list = await cli.RunAsync("runs", "list", "--cluster", CliWorkerFixture.Cluster, "--status", "running");
        var show = await cli.RunAsync("runs", "show", id);
        var cancel = await cli.RunAsync("runs", "cancel", id);
        var wait = await cli.RunAsync("runs", "wait", id);

        Assert.Equal(0, list.ExitCode);
        var row = Assert.Single(list.Out.Split('\n'), line => line.StartsWith(id, StringComparison.Ordinal));
        Assert.Matches(@"vacuum\s+demo\s+running\s+cli\s", row);
        Assert.StartsWith("ID ", list.Out, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Matches(@"status\s+running", show.Out);
        Assert.Contains($"\"tables\":[\"{table}\"]", show.Out, StringComparison.Ordinal);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"Cancel requested for run {id}", cancel.Out, StringComparison.Ordinal);
        Assert.True(wait.ExitCode == 3, wait.ToString());
        Assert.Contains($"Run {id} cancelled", wait.Out, StringComparison.Ordinal);

        var again = await cli.RunAsync("runs", "cancel", id);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal($"Run {id} cancelled.", again.Out.Trim());
    }

    [Fact]
    public async Task RunsCancel_ExitsTwo_WhenTheRunAlreadySucceeded()
    {
        var run = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "-p", $"tables={CliWorkerFixture.OtherTable}");
        var id = CliRunTests.RunId(run.Out);

        var cancel = await cli.RunAsync("runs", "cancel", id);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, cancel.ExitCode);
        Assert.Contains($"Run {id} already ended succeeded.", cancel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupt_StopsFollowing_WithoutCancellingTheRun()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var table = await worker.CreateTableAsync("interrupted");
        await using var tableLock = await TableLock.TakeAsync(worker.ClusterConnectionString, table, cancellationToken);
        using var interrupt = new CancellationTokenSource();
        var output = new InterruptingWriter(interrupt, "running");

        var result = await cli.RunAsync(new Dictionary<string, string?> { ["OPS_API_TOKEN"] = worker.Token }, output, interrupt.Token,
            "run", "vacuum", "-c", CliWorkerFixture.Cluster, "-p", $"tables={table}", "-p", "lockTimeout=0");

        Assert.True(result.ExitCode == 130, result.ToString());
        var id = CliRunTests.RunId(result.Out);
        Assert.Contains($"cancel it:       sgops runs cancel {id}", result.Error, StringComparison.Ordinal);
        using (var run = JsonDocument.Parse((await cli.RunAsync("runs", "show", id, "--json")).Out))
        {
            Assert.Equal("running", run.RootElement.GetProperty("status").GetString());
            Assert.False(run.RootElement.GetProperty("cancelRequested").GetBoolean());
        }

        Assert.Equal(0, (await cli.RunAsync("runs", "cancel", id)).ExitCode);
        Assert.Equal(3, (await cli.RunAsync("runs", "wait", id)).ExitCode);
    }

    [Fact]
    public async Task Logs_PrintTheRunsLog_AndFollowExitsWithItsOutcome()
    {
        var run = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "-p", $"tables={CliWorkerFixture.OtherTable}");
        var id = CliRunTests.RunId(run.Out);

        var logs = await cli.RunAsync("runs", "logs", id);
        var followed = await cli.RunAsync("runs", "logs", id, "--follow");

        Assert.Equal(0, logs.ExitCode);
        Assert.Contains($"vacuumed ", logs.Out, StringComparison.Ordinal);
        Assert.Contains($".public.{CliWorkerFixture.OtherTable}", logs.Out, StringComparison.Ordinal);
        Assert.Equal(0, followed.ExitCode);
        Assert.StartsWith(logs.Out, followed.Out, StringComparison.Ordinal);
        Assert.Contains($"Run {id} succeeded", followed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogReport_SummarizesTheReport_AndRunsReportWritesOrOpensThePage()
    {
        using var logs = new LogReport.TempLogDirectory();
        var log = logs.Write("postgresql.log", LogReport.SampleLog.Create(hours: 1));
        var opened = new List<string>();
        var browsing = new CliDriver(worker) { OpenInBrowser = path => { opened.Add(path); return true; } };

        var run = await cli.RunAsync("run", "log-report", "-c", CliWorkerFixture.Cluster, "-p", $"files={log}", "-p", $"prefix={LogReport.SampleLog.Prefix}");
        var id = CliRunTests.RunId(run.Out);
        var overview = await cli.RunAsync("runs", "report", id);
        var page = Path.Combine(logs.Path, "report.html");
        var written = await cli.RunAsync("runs", "report", id, "--html", page);
        var open = await browsing.RunAsync("runs", "report", id, "--open");
        var both = await cli.RunAsync("runs", "report", id, "--open", "--json");

        // The summary is the overview and where the rest is, not the report's tens of kilobytes of JSON.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Out.Length < 3000, $"{run.Out.Length} characters of summary:\n{run.Out}");
        Assert.DoesNotContain("{\"", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+queries\s+[\d,]+\n", run.Out);
        Assert.Contains($"sgops runs report {id} --open", run.Out, StringComparison.Ordinal);
        Assert.Equal(0, overview.ExitCode);
        Assert.Matches(@"\n\s+queries\s+[\d,]+\n", overview.Out);
        Assert.Equal(0, written.ExitCode);
        var html = await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal(0, open.ExitCode);
        var shown = Assert.Single(opened);
        Assert.Equal(html, await File.ReadAllTextAsync(shown, TestContext.Current.CancellationToken));
        Assert.Contains($"Opened {shown}", open.Out, StringComparison.Ordinal);
        File.Delete(shown);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("Choose one of --html, --open and --json.", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsShow_ExitsTwo_ForAnUnknownRun()
    {
        var id = Guid.NewGuid();

        var result = await cli.RunAsync("runs", "show", id.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"There is no run {id}.", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Cancels the CLI's token once it has printed a text: a Ctrl-C at a known moment.</summary>
    private sealed class InterruptingWriter(CancellationTokenSource interrupt, string trigger) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (ToString().Contains(trigger, StringComparison.Ordinal))
            {
                interrupt.Cancel();
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write(Environment.NewLine);
        }
    }
}
