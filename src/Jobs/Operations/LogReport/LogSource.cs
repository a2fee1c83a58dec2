namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>The values of the log-report parameter 'source': where the logs are read.</summary>
public static class LogSource
{
    /// <summary>Files when logDirectory or files is given, the server over SQL otherwise.</summary>
    public const string Auto = "auto";

    /// <summary>Files and directories the runner sees.</summary>
    public const string Files = "files";

    /// <summary>The server's own log directory, over its SQL connection.</summary>
    public const string Sql = "sql";
}
