namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>Reads a severity name ("LOG", "ERROR", "DEBUG1") from bytes.</summary>
internal static class SeverityNames
{
    public static Severity Parse(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("LOG"u8) => Severity.Log,
        _ when name.SequenceEqual("STATEMENT"u8) => Severity.Statement,
        _ when name.SequenceEqual("DETAIL"u8) => Severity.Detail,
        _ when name.SequenceEqual("ERROR"u8) => Severity.Error,
        _ when name.SequenceEqual("WARNING"u8) => Severity.Warning,
        _ when name.SequenceEqual("FATAL"u8) => Severity.Fatal,
        _ when name.SequenceEqual("PANIC"u8) => Severity.Panic,
        _ when name.SequenceEqual("HINT"u8) => Severity.Hint,
        _ when name.SequenceEqual("CONTEXT"u8) => Severity.Context,
        _ when name.SequenceEqual("QUERY"u8) => Severity.Query,
        _ when name.SequenceEqual("LOCATION"u8) => Severity.Location,
        _ when name.SequenceEqual("NOTICE"u8) => Severity.Notice,
        _ when name.SequenceEqual("INFO"u8) => Severity.Info,
        _ when name.StartsWith("DEBUG"u8) => Severity.Debug,
        _ => Severity.Unknown,
    };

    /// <summary>A message of its own (not a DETAIL/HINT/... line belonging to the message before it).</summary>
    public static bool IsMain(Severity severity) => severity is Severity.Log or Severity.Warning or Severity.Error
        or Severity.Fatal or Severity.Panic or Severity.Notice or Severity.Info or Severity.Debug;

    /// <summary>Counted as an error or a warning in the report.</summary>
    public static bool IsProblem(Severity severity) =>
        severity is Severity.Warning or Severity.Error or Severity.Fatal or Severity.Panic;

    public static string Name(Severity severity) => severity switch
    {
        Severity.Log => "LOG",
        Severity.Warning => "WARNING",
        Severity.Error => "ERROR",
        Severity.Fatal => "FATAL",
        Severity.Panic => "PANIC",
        Severity.Detail => "DETAIL",
        Severity.Hint => "HINT",
        Severity.Context => "CONTEXT",
        Severity.Statement => "STATEMENT",
        Severity.Query => "QUERY",
        Severity.Location => "LOCATION",
        Severity.Notice => "NOTICE",
        Severity.Info => "INFO",
        Severity.Debug => "DEBUG",
        _ => "UNKNOWN",
    };
}
