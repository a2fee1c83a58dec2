using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// A log_line_prefix (as in postgresql.conf and pgBadger's --prefix), parsed into segments once and
/// then matched against each stderr line. Lines of processes that are not sessions stop at %q.
/// </summary>
public sealed partial class LogLinePrefix
{
    private const string KnownEscapes = "%a %u %d %r %h %b %p %P %Q %t %m %n %l %s %c %v %x %e %i %L %q %%";

    private readonly PrefixSegment[] _full;
    private readonly PrefixSegment[]? _session;
    private readonly MatchStep[] _fullSteps;
    private readonly MatchStep[]? _sessionSteps;
    private readonly bool _tailCacheable;

    private LogLinePrefix(string text, PrefixSegment[] full, PrefixSegment[]? sessionOnly)
    {
        Text = text;
        _full = full;
        _session = sessionOnly;
        _fullSteps = MatchStep.Compile(full);
        _sessionSteps = sessionOnly is null ? null : MatchStep.Compile(sessionOnly);
        // The tail cache needs the only time of the prefix first, all the rest after it (see TryMatchCached).
        _tailCacheable = full.Length is > 1 and <= MaxSegments && _fullSteps[0].Kind == MatchStepKind.Time &&
                         full.Count(s => s.Field is PrefixField.Timestamp or PrefixField.TimestampMs or PrefixField.SessionStart or PrefixField.Epoch) == 1;
        HasPid = full.Any(s => s.Field == PrefixField.Pid);
        HasSessionId = full.Any(s => s.Field == PrefixField.SessionId);
        HasTime = full.Any(s => s.Field is PrefixField.Timestamp or PrefixField.TimestampMs or PrefixField.Epoch or PrefixField.SessionStart);
    }

    public string Text { get; }

    public bool HasPid { get; }

    public bool HasSessionId { get; }

    public bool HasTime { get; }

    /// <summary>The prefixes PostgreSQL and the Debian packages ship, tried when none is given.</summary>
    public static IReadOnlyList<string> WellKnown { get; } =
    [
        "%m [%p] ",
        "%m [%p] %q%u@%d ",
        "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
        "%t [%p]: [%l-1] ",
        "%m %u@%d %p %r %a : ",
        "%t [%p-%l] %q%u@%d ",
        "%t [%p] ",
        "%m [%p] %q[user=%u,db=%d,app=%a] ",
        "%t ",
        "%m ",
    ];

    /// <summary>Parses a prefix; a clear message when it holds an escape PostgreSQL does not know.</summary>
    public static bool TryParse(string prefix, out LogLinePrefix? parsed, out string? error)
    {
        parsed = null;
        error = null;
        var full = new List<PrefixSegment>();
        List<PrefixSegment>? beforeQ = null;
        var literal = new StringBuilder();
        for (var i = 0; i < prefix.Length; i++)
        {
            var c = prefix[i];
            if (c != '%')
            {
                literal.Append(c);
                continue;
            }

            var j = i + 1;
            // PostgreSQL accepts a padding width between % and the letter (%-10u); the value is then space padded.
            while (j < prefix.Length && (prefix[j] == '-' || char.IsAsciiDigit(prefix[j])))
            {
                j++;
            }

            if (j >= prefix.Length)
            {
                error = $"log_line_prefix '{prefix}' ends with a lone '%'. Known escapes: {KnownEscapes}.";
                return false;
            }

            var letter = prefix[j];
            i = j;
            if (letter == '%')
            {
                literal.Append('%');
                continue;
            }

            if (letter == 'q')
            {
                Flush(literal, full);
                beforeQ ??= [.. full];
                continue;
            }

            PrefixField? field = letter switch
            {
                'a' => PrefixField.Application,
                'u' => PrefixField.User,
                'd' => PrefixField.Database,
                'r' => PrefixField.RemoteHostPort,
                'h' => PrefixField.RemoteHost,
                'b' => PrefixField.BackendType,
                'p' => PrefixField.Pid,
                'P' => PrefixField.LeaderPid,
                'Q' => PrefixField.QueryId,
                't' => PrefixField.Timestamp,
                'm' => PrefixField.TimestampMs,
                'n' => PrefixField.Epoch,
                'l' => PrefixField.LineNumber,
                's' => PrefixField.SessionStart,
                'c' => PrefixField.SessionId,
                'v' => PrefixField.VirtualXid,
                'x' => PrefixField.Xid,
                'e' => PrefixField.SqlState,
                'i' => PrefixField.CommandTag,
                'L' => PrefixField.LocalAddress,
                _ => null,
            };
            if (field is null)
            {
                error = $"log_line_prefix '{prefix}' has the unknown escape '%{letter}' at position {i}. Known escapes: {KnownEscapes}.";
                return false;
            }

            Flush(literal, full);
            full.Add(PrefixSegment.Escape(field.Value));
        }

        Flush(literal, full);
        // pgBadger allows the prefix to end without its trailing space; so do we: trailing blanks are optional.
        parsed = new LogLinePrefix(prefix, TrimTrailingBlanks(full), beforeQ is null ? null : TrimTrailingBlanks(beforeQ));
        return true;
    }

    public static LogLinePrefix Parse(string prefix) =>
        TryParse(prefix, out var parsed, out var error) ? parsed! : throw new ArgumentException(error, nameof(prefix));

    public override string ToString() => Text;

    private static void Flush(StringBuilder literal, List<PrefixSegment> segments)
    {
        if (literal.Length > 0)
        {
            segments.Add(PrefixSegment.Text(literal.ToString()));
            literal.Clear();
        }
    }

    private static PrefixSegment[] TrimTrailingBlanks(List<PrefixSegment> segments)
    {
        var result = segments.ToList();
        if (result.Count > 0 && result[^1].Field == PrefixField.Literal)
        {
            var trimmed = Encoding.UTF8.GetString(result[^1].Literal).TrimEnd(' ', '\t');
            result[^1] = PrefixSegment.Text(trimmed);
            if (trimmed.Length == 0)
            {
                result.RemoveAt(result.Count - 1);
            }
        }

        return [.. result];
    }
}
