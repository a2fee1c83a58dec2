using Hangfire.Server;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// Tells a window's scheduled opening from "Trigger now" in the dashboard, by the reason Hangfire
/// gave when it enqueued the job ("Triggered via Dashboard UI" / "Triggered by recurring job scheduler").
/// </summary>
public static class WindowTrigger
{
    public static bool IsFromDashboard(PerformContext? context)
    {
        if (context is null)
        {
            return false;
        }

        var history = context.Storage.GetMonitoringApi().JobDetails(context.BackgroundJob.Id)?.History;
        var enqueued = history?.FirstOrDefault(h => h.StateName == Hangfire.States.EnqueuedState.StateName);
        return enqueued?.Reason?.Contains("Dashboard", StringComparison.OrdinalIgnoreCase) == true;
    }
}
