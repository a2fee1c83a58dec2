namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// The application_name a run's connections carry, so that the worker can find and cancel a
/// run's backends in pg_stat_activity even when the runner process is gone.
/// </summary>
public static class ApplicationNames
{
    public const string Prefix = "stackgres-ops/run/";

    public static string ForRun(Guid runId) => Prefix + runId.ToString("N");
}
