using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>The test harness itself: the worker's log events reach the test, whatever other worker lived in the process.</summary>
public sealed class WorkerFactoryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Logs_CaptureRunEvents_WhenAnotherWorkerStoppedMeanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await WorkerFactory.CreateAsync(fixture, ct);
        _ = first.Services;
        await using var second = await WorkerFactory.CreateAsync(fixture, ct);
        _ = second.Services;

        // Stopping a worker must not silence another one (it did while the host logged through the static Serilog logger).
        await first.DisposeAsync();
        await Db.ExecuteAsync(second.ClusterConnectionString, "CREATE TABLE heard (id int);");
        var accepted = await second.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "heard" } } });
        var id = accepted.GetProperty("id").GetGuid();
        await second.WaitForRunAsync(id, TimeSpan.FromSeconds(20));

        var messages = second.Logs.Entries.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith($"Run {id} queued", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"Run {id} started", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"Run {id} ended", StringComparison.Ordinal) && m.Contains("succeeded", StringComparison.Ordinal));
        Assert.Contains(second.Logs.Entries, e => e.EventId.Id == 2000 && e.Category.EndsWith("RunSubmitter", StringComparison.Ordinal));
        Assert.DoesNotContain(first.Logs.Entries, e => e.Message.Contains(id.ToString(), StringComparison.Ordinal));
    }
}
