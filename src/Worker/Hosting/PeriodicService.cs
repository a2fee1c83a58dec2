namespace StackGres.Ops.Worker.Hosting;

/// <summary>
/// A background service that does one pass every <see cref="Interval"/> until the worker stops. A pass that fails, for any
/// reason (the storage away, a bug), is reported through <see cref="PassFailed"/> and the next one tries again: an
/// exception leaving a BackgroundService would stop the whole worker.
/// </summary>
public abstract class PeriodicService(TimeProvider clock) : BackgroundService
{
    /// <summary>The clock the waits between passes follow, for the passes' own use too.</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>How long between two passes; read before every wait, so options that change take effect.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>True: the first pass runs at start-up; false: after the first interval.</summary>
    protected virtual bool PassAtStart => false;

    protected abstract Task PassAsync(CancellationToken stoppingToken);

    /// <summary>Logs a failed pass; the service goes on.</summary>
    protected abstract void PassFailed(Exception exception);

    /// <summary>What the service waits for once the worker stops (work a pass started); nothing by default.</summary>
    protected virtual Task StoppedAsync() => Task.CompletedTask;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!PassAtStart)
            {
                await Task.Delay(Interval, Clock, stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    PassFailed(e);
                }

                await Task.Delay(Interval, Clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await StoppedAsync();
    }
}
