using Hangfire;
using Hangfire.Storage;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// Makes Hangfire's recurring jobs match the configured windows: one per window and cluster (so the
/// dashboard lists each with its next execution and "Trigger now"), and none left for windows that
/// are gone. Starts once the host has started, on threads of its own: Hangfire's client API blocks,
/// and thousands of calls on the thread pool would starve the requests the worker is serving.
/// </summary>
public sealed class ScheduleSynchronizer(
    WindowCatalog windows,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    IHostApplicationLifetime lifetime,
    ILogger<ScheduleSynchronizer> logger) : BackgroundService
{
    public const string Prefix = "window:";
    private const int Writers = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        var desired = windows.All
            .SelectMany(w => w.Clusters.Select(cluster => (Window: w, Cluster: cluster)))
            .ToArray();
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Factory.StartNew(() =>
        {
            for (var i = writer; i < desired.Length && !stoppingToken.IsCancellationRequested; i += Writers)
            {
                var (window, cluster) = desired[i];
                recurringJobs.AddOrUpdate<WindowJob>(
                    window.RecurringJobId(cluster),
                    job => job.OpenAsync(window.Name, cluster, null, CancellationToken.None),
                    window.Schedule.Cron,
                    new RecurringJobOptions { TimeZone = window.Schedule.TimeZone, MisfireHandling = MisfireHandlingMode.Relaxed });
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        await Task.WhenAll(writers);

        var wanted = desired.Select(d => d.Window.RecurringJobId(d.Cluster)).ToHashSet(StringComparer.Ordinal);
        using (var connection = storage.GetConnection())
        {
            foreach (var stale in connection.GetRecurringJobs().Select(j => j.Id)
                         .Where(id => id.StartsWith(Prefix, StringComparison.Ordinal) && !wanted.Contains(id)))
            {
                recurringJobs.RemoveIfExists(stale);
            }
        }

        Log.WindowsSynchronized(logger, desired.Length);
    }
}
