namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>What a log_line_prefix escape carries, and how its text is recognised.</summary>
internal enum PrefixField : byte
{
    Literal,
    Application,
    User,
    Database,
    RemoteHostPort,
    RemoteHost,
    Pid,
    QueryId,
    Epoch,
    Timestamp,
    TimestampMs,
    LineNumber,
    SessionStart,
    SessionId,
    VirtualXid,
    Xid,
    CommandTag,
    SqlState,
    BackendType,
    LocalAddress,
    LeaderPid,
}
