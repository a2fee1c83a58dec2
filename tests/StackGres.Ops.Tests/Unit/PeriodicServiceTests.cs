using StackGres.Ops.Worker.Hosting;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>The loop the worker's periodic services share: a failed pass, whatever it throws, never ends the service.</summary>
public sealed class PeriodicServiceTests
{
    [Fact]
    public async Task AFailingPass_IsReported_AndTheNextPassesRun_UntilTheWorkerStops()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = new FlakyService(failures: 3);
        await service.StartAsync(ct);

        await service.FiveSucceeded.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await service.StopAsync(ct);

        Assert.Equal(3, service.Failures.Count);
        Assert.All(service.Failures, e => Assert.IsType<InvalidOperationException>(e));
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.True(service.Stopped);
    }

    private sealed class FlakyService(int failures) : PeriodicService(TimeProvider.System)
    {
        private int passes;

        public List<Exception> Failures { get; } = [];

        public TaskCompletionSource FiveSucceeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Stopped { get; private set; }

        protected override TimeSpan Interval => TimeSpan.FromMilliseconds(10);

        protected override bool PassAtStart => true;

        protected override Task PassAsync(CancellationToken stoppingToken)
        {
            if (++passes <= failures)
            {
                throw new InvalidOperationException($"pass {passes} fails");
            }

            if (passes == failures + 5)
            {
                FiveSucceeded.TrySetResult();
            }

            return Task.CompletedTask;
        }

        protected override void PassFailed(Exception exception) => Failures.Add(exception);

        protected override Task StoppedAsync()
        {
            Stopped = true;
            return Task.CompletedTask;
        }
    }
}
