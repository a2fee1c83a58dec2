namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>
/// Server settings that give a log report something to say: every statement with its duration,
/// sessions, checkpoints, lock waits, temporary files and autovacuum.
/// </summary>
public static class ReportLogging
{
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["log_min_duration_statement"] = "0",
        ["log_connections"] = "on",
        ["log_disconnections"] = "on",
        ["log_checkpoints"] = "on",
        ["log_lock_waits"] = "on",
        ["log_temp_files"] = "0",
        ["log_autovacuum_min_duration"] = "0",
    };
}
