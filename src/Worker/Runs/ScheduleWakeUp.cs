namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Schedules the Hangfire job that takes a parked run up again, due after <paramref name="fallback"/> unless woken
/// earlier, and returns its id.
/// </summary>
public delegate Task<string> ScheduleWakeUp(TimeSpan fallback, CancellationToken cancellationToken);
