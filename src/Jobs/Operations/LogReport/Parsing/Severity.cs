namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>The error severity of a log message (PostgreSQL's elevel names).</summary>
public enum Severity : byte
{
    Unknown,
    Log,
    Warning,
    Error,
    Fatal,
    Panic,
    Detail,
    Hint,
    Context,
    Statement,
    Query,
    Location,
    Notice,
    Info,
    Debug,
}
