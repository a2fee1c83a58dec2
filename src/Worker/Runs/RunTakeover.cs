using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Hosting;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Every worker that executes runs looks, every <see cref="SchedulerOptions.TakeoverPollInterval"/>,
/// for active runs whose owner stopped renewing its lease (killed, its machine lost, stopped), and
/// takes them over: the lease decides which worker gets each, so a run is never taken twice. Not
/// Hangfire's job re-delivery, which comes only after its invisibility timeout (30 minutes).
/// </summary>
public sealed class RunTakeover(
    RunStore store,
    IServiceScopeFactory scopes,
    IOptions<SchedulerOptions> options,
    TimeProvider clock,
    ILogger<RunTakeover> logger) : PeriodicService(clock)
{
    private readonly ConcurrentDictionary<Guid, Task> taken = new();

    protected override TimeSpan Interval => options.Value.TakeoverPollInterval;

    protected override Task PassAsync(CancellationToken stoppingToken) => TakeOverAbandonedAsync(stoppingToken);

    /// <summary>The storage away, or anything else: the next pass looks again.</summary>
    protected override void PassFailed(Exception exception) => Log.TakeoverFailed(logger, exception);

    /// <summary>Runs taken over end (or detach) before the worker does.</summary>
    protected override Task StoppedAsync() => Task.WhenAll(taken.Values);

    private async Task TakeOverAbandonedAsync(CancellationToken stoppingToken)
    {
        foreach (var (runId, task) in taken)
        {
            if (task.IsCompleted)
            {
                taken.TryRemove(runId, out _);
            }
        }

        var abandoned = await store.ListAbandonedAsync(options.Value.WorkerCount, options.Value.SchemaName, options.Value.LeaseDuration, stoppingToken);

        foreach (var runId in abandoned)
        {
            if (taken.Count >= options.Value.WorkerCount)
            {
                return;
            }

            if (!taken.ContainsKey(runId))
            {
                taken[runId] = Task.Run(() => ExecuteAsync(runId, stoppingToken), CancellationToken.None);
            }
        }
    }

    private async Task ExecuteAsync(Guid runId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RunCoordinator>().ExecuteAsync(runId, estimate: null, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.TakeoverFailed(logger, e);
        }
    }
}
