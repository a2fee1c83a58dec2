namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>The log formats PostgreSQL writes (log_destination).</summary>
public enum LogFormat
{
    Auto,
    Stderr,
    Csv,
    Json,
}
