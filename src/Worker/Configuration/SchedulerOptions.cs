namespace StackGres.Ops.Worker.Configuration;

/// <summary>The Hangfire server: <c>Ops:Scheduler:*</c>.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Ops:Scheduler";

    /// <summary>
    /// Whether this replica executes runs. A replica with the server off only accepts requests (API,
    /// dashboard) and leaves the execution to the others sharing its storage.
    /// </summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>Runs executed at once by this worker replica.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often the queue is polled for runs accepted by another replica.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Wake idle workers with PostgreSQL LISTEN/NOTIFY when a run is queued by any replica, so a run
    /// starts at once instead of at the next poll; polling stays on as the safety net.
    /// </summary>
    public bool LongPolling { get; set; } = true;

    /// <summary>How often Hangfire looks for recurring jobs (window openings) that are due.</summary>
    public TimeSpan SchedulePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a worker holds a run without renewing its lease (renewed every third of it). A run
    /// whose worker was killed or lost is taken over by a live worker after at most this plus
    /// <see cref="TakeoverPollInterval"/>.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each worker looks for runs whose owner's lease ran out.</summary>
    public TimeSpan TakeoverPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Schema of Hangfire's tables in the worker's database.</summary>
    public string SchemaName { get; set; } = "hangfire";
}
