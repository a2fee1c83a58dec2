using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Diagnostics;
using StackGres.Ops.Worker.Hosting;

namespace StackGres.Ops.Worker.Runs.Fleet;

/// <summary>
/// Every <see cref="FleetOptions.DispatchInterval"/>, on every replica that executes runs, admits the
/// waiting heavy runs that fit and wakes them: the safety net for a run that ended on a worker that
/// died before it could admit the next ones, and the way a waiting run whose window closed or that
/// was cancelled is taken up to end. Publishes the line's size on /metrics.
/// </summary>
public sealed class HeavyRunDispatcher(
    HeavyRunAdmission admission,
    OpsMetrics metrics,
    IOptions<FleetOptions> options,
    TimeProvider clock,
    ILogger<HeavyRunDispatcher> logger) : PeriodicService(clock)
{
    protected override TimeSpan Interval => options.Value.DispatchInterval;

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        var state = await admission.DispatchAsync(stoppingToken);
        metrics.HeavyRunLine(state.Running, state.Waiting);
    }

    protected override void PassFailed(Exception exception) => Log.HeavyRunDispatchFailed(logger, exception);
}
