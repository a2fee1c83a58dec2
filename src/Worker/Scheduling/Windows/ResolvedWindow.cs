namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>A window with its schedule, the clusters it applies to and its steps, all checked.</summary>
public sealed record ResolvedWindow(MaintenanceWindow Schedule, IReadOnlyList<string> Clusters, IReadOnlyList<WindowStep> Steps)
{
    public string Name => Schedule.Name;

    /// <summary>The Hangfire recurring job of this window on one cluster.</summary>
    public string RecurringJobId(string cluster) => $"window:{Name}:{cluster}";
}
