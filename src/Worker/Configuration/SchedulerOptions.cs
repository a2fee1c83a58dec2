namespace StackGres.Ops.Worker.Configuration;

/// <summary>The Hangfire server: <c>Ops:Scheduler:*</c>.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Ops:Scheduler";

    /// <summary>Runs executed at once by this worker replica.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often the queue is polled for runs accepted by another replica.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often Hangfire looks for recurring jobs (window openings) that are due.</summary>
    public TimeSpan SchedulePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Schema of Hangfire's tables in the worker's database.</summary>
    public string SchemaName { get; set; } = "hangfire";
}
