using Hangfire.Server;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// Tells a window's scheduled opening from "Trigger now" in the dashboard, by the reason Hangfire
/// gave when it enqueued the job: "Triggered by recurring job scheduler" for a scheduled opening;
/// the dashboard's button goes through the recurring job manager ("Triggered using recurring job
/// manager" in Hangfire 1.8, "Triggered via Dashboard UI" in some versions). The worker itself never
/// triggers windows, so anything but the scheduler is a person.
/// </summary>
public static class WindowTrigger
{
    public static bool IsManual(PerformContext? context)
    {
        if (context is null)
        {
            return false;
        }

        var history = context.Storage.GetMonitoringApi().JobDetails(context.BackgroundJob.Id)?.History;
        var reason = history?.LastOrDefault(h => h.StateName == Hangfire.States.EnqueuedState.StateName)?.Reason;
        return reason is not null && !reason.Contains("recurring job scheduler", StringComparison.OrdinalIgnoreCase);
    }
}
