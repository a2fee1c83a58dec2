using Hangfire;
using Hangfire.Storage;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// Makes Hangfire's recurring jobs match the configured windows: one per window and cluster (so the
/// dashboard lists each with its next execution and "Trigger now"), and none left for windows that
/// are gone. Runs in the background after start-up, so a large inventory does not delay readiness.
/// </summary>
public sealed class ScheduleSynchronizer(
    WindowCatalog windows,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    ILogger<ScheduleSynchronizer> logger) : BackgroundService
{
    public const string Prefix = "window:";

    public TaskCompletionSource Synchronized { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var desired = windows.All
            .SelectMany(w => w.Clusters.Select(cluster => (Window: w, Cluster: cluster)))
            .ToArray();
        await Parallel.ForEachAsync(desired, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken },
            (item, _) =>
            {
                recurringJobs.AddOrUpdate<WindowJob>(
                    item.Window.RecurringJobId(item.Cluster),
                    job => job.OpenAsync(item.Window.Name, item.Cluster, null, CancellationToken.None),
                    item.Window.Schedule.Cron,
                    new RecurringJobOptions { TimeZone = item.Window.Schedule.TimeZone, MisfireHandling = MisfireHandlingMode.Relaxed });
                return ValueTask.CompletedTask;
            });

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
        Synchronized.TrySetResult();
    }
}
