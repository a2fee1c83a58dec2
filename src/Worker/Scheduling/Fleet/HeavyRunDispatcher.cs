using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Diagnostics;

namespace StackGres.Ops.Worker.Scheduling.Fleet;

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
    ILogger<HeavyRunDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.DispatchInterval, clock, stoppingToken);
                try
                {
                    var state = await admission.DispatchAsync(stoppingToken);
                    metrics.HeavyRunLine(state.Running, state.Waiting);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The storage away, or anything else: the next dispatch tries again and the worker goes on (an exception
                    // leaving a BackgroundService stops the host), as the staleness monitor does.
                    Log.HeavyRunDispatchFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
