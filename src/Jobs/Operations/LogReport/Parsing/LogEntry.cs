namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// One log message as the readers assemble it, whatever the format: the main line with its
/// continuation lines and the DETAIL, HINT, CONTEXT and STATEMENT lines that belong to it.
/// Reused from message to message by one reader.
/// </summary>
internal sealed class LogEntry
{
    /// <summary>Wall-clock time as written in the log, in seconds since 0001-01-01 (the zone is not applied).</summary>
    public long Time { get; set; }

    public int Millisecond { get; set; }

    public long Pid { get; set; }

    public Severity Severity { get; set; }

    public TextBuffer User { get; } = new();
    public TextBuffer Database { get; } = new();
    public TextBuffer Application { get; } = new();
    public TextBuffer Client { get; } = new();
    public TextBuffer SqlState { get; } = new();
    public TextBuffer Message { get; } = new();
    public TextBuffer Detail { get; } = new();
    public TextBuffer Hint { get; } = new();
    public TextBuffer Context { get; } = new();
    public TextBuffer Statement { get; } = new();

    /// <summary>Where continuation lines go: the part written last.</summary>
    public TextBuffer Last { get; set; }

    public LogEntry() => Last = Message;

    public void Clear()
    {
        Time = 0;
        Millisecond = 0;
        Pid = 0;
        Severity = Severity.Unknown;
        User.Clear();
        Database.Clear();
        Application.Clear();
        Client.Clear();
        SqlState.Clear();
        Message.Clear();
        Detail.Clear();
        Hint.Clear();
        Context.Clear();
        Statement.Clear();
        Last = Message;
    }

    /// <summary>Attaches a DETAIL/HINT/CONTEXT/STATEMENT/QUERY line to this message.</summary>
    public void AddSecondary(Severity severity, ReadOnlySpan<byte> text)
    {
        var target = severity switch
        {
            Severity.Detail => Detail,
            Severity.Hint => Hint,
            Severity.Context => Context,
            Severity.Statement or Severity.Query => Statement,
            _ => null,
        };
        if (target is null)
        {
            return;
        }

        if (!target.IsEmpty)
        {
            target.Append((byte)'\n');
        }

        target.Append(text);
        Last = target;
    }
}
