using System.Text.Json;
using StackGres.Ops.Jobs.Runner;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Execution;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class RunnerEventTests
{
    [Fact]
    public void TryParse_ReadsBackWhatTheRunnerWrites()
    {
        var written = new RunnerEvent
        {
            Type = RunnerEvent.ResultType,
            Status = RunStatus.Succeeded,
            Result = JsonDocument.Parse("""{"tablesVacuumed":3}""").RootElement,
        };

        var read = RunnerEvent.TryParse(written.ToJsonLine());

        Assert.NotNull(read);
        Assert.Equal(RunStatus.Succeeded, read.Status);
        Assert.Equal(3, read.Result!.Value.GetProperty("tablesVacuumed").GetInt32());
        Assert.Contains("\"status\":\"succeeded\"", written.ToJsonLine());
    }

    [Theory]
    [InlineData("Unhandled exception. System.Exception: boom")]
    [InlineData("{not json")]
    [InlineData("""{"type":"other"}""")]
    [InlineData("")]
    public void TryParse_ReturnsNull_ForLinesThatAreNotEvents(string line) =>
        Assert.Null(RunnerEvent.TryParse(line));

    [Fact]
    public async Task Relay_KeepsLogsProgressAndResult_AndTurnsStrayLinesIntoLogs()
    {
        var sink = new RecordingSink();
        var relay = new RunnerEventRelay(sink, TimeProvider.System);
        var writer = new StringWriter();
        var events = new RunnerEventWriter(writer);
        events.Log(Microsoft.Extensions.Logging.LogLevel.Warning, "careful");
        events.Progress(new RunProgress { Phase = "vacuuming", Relation = "public.t", Done = 1, Total = 4 });
        events.Write(new RunnerEvent { Type = RunnerEvent.ResultType, Status = RunStatus.Failed, Error = "no" });

        foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Append("stray"))
        {
            await relay.RelayLineAsync(line, "error", TestContext.Current.CancellationToken);
        }

        Assert.Equal([("warning", "careful"), ("error", "stray")], sink.Lines);
        Assert.Equal(25.0, Assert.Single(sink.Progress).Percent);
        Assert.Equal(new ExecutionOutcome(RunStatus.Failed, null, "no"), relay.ToOutcome(1, cancelled: false, lastError: null));
    }

    [Fact]
    public void ToOutcome_ExplainsAMissingResult()
    {
        var relay = new RunnerEventRelay(new RecordingSink(), TimeProvider.System);

        Assert.Equal(RunStatus.Cancelled, relay.ToOutcome(137, cancelled: true, lastError: null).Status);
        var failed = relay.ToOutcome(134, cancelled: false, lastError: "Unhandled exception.");
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("The job runner exited with code 134 without a result: Unhandled exception.", failed.Error);
    }

    private sealed class RecordingSink : IRunEventSink
    {
        public List<(string Level, string Message)> Lines { get; } = [];

        public List<RunProgress> Progress { get; } = [];

        public Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken)
        {
            Lines.Add((level, message));
            return Task.CompletedTask;
        }

        public Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken)
        {
            Progress.Add(progress);
            return Task.CompletedTask;
        }
    }
}
