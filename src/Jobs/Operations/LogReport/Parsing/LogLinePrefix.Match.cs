using System.Buffers;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>Matching a line against the prefix: a small backtracking matcher over bytes, no regex, no allocation.</summary>
public sealed partial class LogLinePrefix
{
    private const int MaxSegments = 64;

    /// <summary>
    /// Matches the prefix and the severity ("LOG:  ") at the start of <paramref name="line"/>. On success
    /// the prefix fields are written to <paramref name="entry"/> and <paramref name="messageStart"/> is where the message begins.
    /// </summary>
    internal bool TryMatch(ReadOnlySpan<byte> line, LogEntry entry, LogTimestamp clock, out Severity severity, out int messageStart,
        PrefixTailCache? cache = null)
    {
        if (cache is not null && _tailCacheable)
        {
            return TryMatchCached(line, entry, clock, cache, out severity, out messageStart);
        }

        if (TryMatch(_full, _fullSteps, line, entry, clock, out severity, out messageStart, out _))
        {
            return true;
        }

        return _session is not null && TryMatch(_session, _sessionSteps!, line, entry, clock, out severity, out messageStart, out _);
    }

    /// <summary>
    /// Lines of one session repeat everything after the timestamp up to the message ("[pid]: user=...,db=... LOG:  ").
    /// When the full prefix matched a line on the forward pass, that pass looked at nothing but the timestamp (and
    /// its zone) and the bytes up to the message and the one after them; a later line with the same bytes there is
    /// matched the same way, so its fields are taken from the cache.
    /// </summary>
    private bool TryMatchCached(ReadOnlySpan<byte> line, LogEntry entry, LogTimestamp clock, PrefixTailCache cache, out Severity severity,
        out int messageStart)
    {
        if (clock.TryParse(line, out var seconds, out var millisecond, out var length) &&
            (_fullSteps[0].Field != PrefixField.TimestampMs || (length >= 21 && line[19] == '.')))
        {
            var tailStart = length + ZoneLength(line[length..]);
            var tail = line[tailStart..];
            var slot = cache.Find(tail);
            if (slot is not null)
            {
                entry.Time = seconds;
                entry.Millisecond = millisecond;
                entry.Pid = slot.Pid;
                entry.User.Set(slot.User);
                entry.Database.Set(slot.Database);
                entry.Application.Set(slot.Application);
                entry.Client.Set(slot.Client);
                entry.SqlState.Set(slot.SqlState);
                severity = slot.Severity;
                messageStart = tailStart + slot.Tail.Length;
                return true;
            }

            if (TryMatch(_full, _fullSteps, line, entry, clock, out severity, out messageStart, out var forward))
            {
                if (forward)
                {
                    cache.Add(tail, line[tailStart..messageStart], entry, severity);
                }

                return true;
            }
        }
        else if (TryMatch(_full, _fullSteps, line, entry, clock, out severity, out messageStart, out _))
        {
            return true;
        }

        return _session is not null && TryMatch(_session, _sessionSteps!, line, entry, clock, out severity, out messageStart, out _);
    }

    private static bool TryMatch(PrefixSegment[] segments, MatchStep[] steps, ReadOnlySpan<byte> line, LogEntry entry, LogTimestamp clock,
        out Severity severity, out int messageStart, out bool forward)
    {
        severity = Severity.Unknown;
        messageStart = 0;
        forward = false;
        if (segments.Length > MaxSegments)
        {
            return false;
        }

        Span<Range> captures = stackalloc Range[segments.Length];
        Span<long> seconds = stackalloc long[segments.Length];
        Span<int> milliseconds = stackalloc int[segments.Length];
        if (TryFirstChoice(steps, line, captures, seconds, milliseconds, clock, out severity, out messageStart))
        {
            forward = true;
            return Apply(segments, line, captures, seconds, milliseconds, entry, clock);
        }

        severity = Severity.Unknown;
        messageStart = 0;
        return Walk(segments, 0, line, 0, captures, clock, ref severity, ref messageStart) &&
               Apply(segments, line, captures, default, default, entry, clock);
    }

    /// <summary>
    /// One forward pass that takes, at every segment, the choice the backtracking <see cref="Walk"/> tries
    /// first (a timestamp with its zone, the longest run of a character class, a lazy field up to the first
    /// occurrence of the literal after it). When it reaches a severity it is the match Walk would return;
    /// when it does not, Walk looks at the other choices. Times parsed on the way are kept for Apply.
    /// </summary>
    private static bool TryFirstChoice(MatchStep[] steps, ReadOnlySpan<byte> line, Span<Range> captures, Span<long> seconds,
        Span<int> milliseconds, LogTimestamp clock, out Severity severity, out int messageStart)
    {
        severity = Severity.Unknown;
        messageStart = 0;
        var position = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var rest = line[position..];
            switch (step.Kind)
            {
                case MatchStepKind.Literal:
                    if (!rest.StartsWith(step.Literal))
                    {
                        return false;
                    }

                    position += step.Literal.Length;
                    break;
                case MatchStepKind.Time:
                    if (!clock.TryParse(rest, out seconds[i], out milliseconds[i], out var length) ||
                        (step.Field == PrefixField.TimestampMs && (length < 21 || rest[19] != '.')))
                    {
                        return false;
                    }

                    captures[i] = new Range(position, position + length);
                    position += length + ZoneLength(rest[length..]);
                    break;
                case MatchStepKind.Class:
                    var max = step.Field == PrefixField.QueryId ? ClassLength(step.Field, rest) : Run(rest, step.Class!);
                    if (max < step.MinLength)
                    {
                        return false;
                    }

                    captures[i] = new Range(position, position + max);
                    position += max;
                    break;
                case MatchStepKind.Lazy:
                    var end = position;
                    if (step.NextLiteral is { } next)
                    {
                        var found = rest.IndexOf(next);
                        if (found < 0)
                        {
                            return false;
                        }

                        end += found;
                    }
                    else if (i == steps.Length - 1)
                    {
                        // A lazy field that ends the prefix ("%u@%d "): Walk tries each end in turn, the first one
                        // followed by a severity is its choice.
                        while (end <= line.Length && !TryTail(line, end, out severity, out messageStart))
                        {
                            end++;
                        }

                        captures[i] = new Range(position, end);
                        return end <= line.Length;
                    }

                    captures[i] = new Range(position, end);
                    position = end;
                    break;
                default:
                    captures[i] = new Range(position, position);
                    break;
            }
        }

        return TryTail(line, position, out severity, out messageStart);
    }

    private static int Run(ReadOnlySpan<byte> text, SearchValues<byte> bytes)
    {
        var end = text.IndexOfAnyExcept(bytes);
        return end < 0 ? text.Length : end;
    }

    private static bool Walk(PrefixSegment[] segments, int index, ReadOnlySpan<byte> line, int position, Span<Range> captures,
        LogTimestamp clock, ref Severity severity, ref int messageStart)
    {
        if (index == segments.Length)
        {
            return TryTail(line, position, out severity, out messageStart);
        }

        var segment = segments[index];
        var rest = line[position..];
        switch (segment.Field)
        {
            case PrefixField.Literal:
                return rest.StartsWith(segment.Literal) &&
                       Walk(segments, index + 1, line, position + segment.Literal.Length, captures, clock, ref severity, ref messageStart);
            case PrefixField.Timestamp or PrefixField.TimestampMs or PrefixField.SessionStart:
                {
                    if (!clock.TryParse(rest, out _, out _, out var length) ||
                        (segment.Field == PrefixField.TimestampMs && (length < 21 || rest[19] != '.')))
                    {
                        return false;
                    }

                    var zone = ZoneLength(rest[length..]);
                    if (zone > 0)
                    {
                        captures[index] = new Range(position, position + length);
                        if (Walk(segments, index + 1, line, position + length + zone, captures, clock, ref severity, ref messageStart))
                        {
                            return true;
                        }
                    }

                    captures[index] = new Range(position, position + length);
                    return Walk(segments, index + 1, line, position + length, captures, clock, ref severity, ref messageStart);
                }

            default:
                if (segment.IsLazy)
                {
                    return WalkLazy(segments, index, line, position, captures, clock, ref severity, ref messageStart);
                }

                var max = ClassLength(segment.Field, rest);
                var min = MinLength(segment.Field);
                for (var length = max; length >= min; length--)
                {
                    captures[index] = new Range(position, position + length);
                    if (Walk(segments, index + 1, line, position + length, captures, clock, ref severity, ref messageStart))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    private static bool WalkLazy(PrefixSegment[] segments, int index, ReadOnlySpan<byte> line, int position, Span<Range> captures,
        LogTimestamp clock, ref Severity severity, ref int messageStart)
    {
        var next = index + 1 < segments.Length ? segments[index + 1] : null;
        var end = position;
        while (end <= line.Length)
        {
            if (next is { Field: PrefixField.Literal })
            {
                var found = line[end..].IndexOf(next.Literal);
                if (found < 0)
                {
                    return false;
                }

                end += found;
            }

            captures[index] = new Range(position, end);
            if (Walk(segments, index + 1, line, end, captures, clock, ref severity, ref messageStart))
            {
                return true;
            }

            end++;
        }

        return false;
    }

    /// <summary>After the prefix: optional blanks, the severity and its colon, blanks, and in verbose mode the SQLSTATE.</summary>
    private static bool TryTail(ReadOnlySpan<byte> line, int position, out Severity severity, out int messageStart)
    {
        severity = Severity.Unknown;
        messageStart = 0;
        while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }

        var start = position;
        while (position < line.Length && (char.IsAsciiLetterUpper((char)line[position]) || char.IsAsciiDigit((char)line[position])))
        {
            position++;
        }

        if (position == start || position >= line.Length || line[position] != ':')
        {
            return false;
        }

        severity = SeverityNames.Parse(line[start..position]);
        if (severity == Severity.Unknown)
        {
            return false;
        }

        position++;
        while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }

        messageStart = position;
        return true;
    }

    private static int ZoneLength(ReadOnlySpan<byte> text)
    {
        if (text.Length < 4 || text[0] != ' ')
        {
            return 0;
        }

        var length = 0;
        while (length < 6 && length + 1 < text.Length && text[length + 1] is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'-')
        {
            length++;
        }

        return length >= 3 ? length + 1 : 0;
    }

    private static int ClassLength(PrefixField field, ReadOnlySpan<byte> text)
    {
        var length = 0;
        if (field == PrefixField.QueryId && text.Length > 0 && text[0] == '-')
        {
            length = 1;
        }

        var rest = text[length..];
        var end = ClassBytes(field) is { } bytes ? rest.IndexOfAnyExcept(bytes) : 0;
        return length + (end < 0 ? rest.Length : end);
    }

    private static readonly SearchValues<byte> Digits = SearchValues.Create("0123456789"u8);
    private static readonly SearchValues<byte> EpochBytes = SearchValues.Create("0123456789."u8);
    private static readonly SearchValues<byte> SessionBytes = SearchValues.Create("0123456789abcdef."u8);
    private static readonly SearchValues<byte> XidBytes = SearchValues.Create("0123456789abcdef./"u8);
    private static readonly SearchValues<byte> SqlStateBytes = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"u8);
    private static readonly SearchValues<byte> HostBytes =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.:[]_"u8);
    private static readonly SearchValues<byte> HostPortBytes =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.:[]_()"u8);

    /// <summary>The bytes a field of a character class is made of (null for the others).</summary>
    internal static SearchValues<byte>? ClassBytes(PrefixField field) => field switch
    {
        PrefixField.Pid or PrefixField.LeaderPid or PrefixField.LineNumber or PrefixField.QueryId => Digits,
        PrefixField.Epoch => EpochBytes,
        PrefixField.SessionId => SessionBytes,
        PrefixField.VirtualXid or PrefixField.Xid => XidBytes,
        PrefixField.SqlState => SqlStateBytes,
        PrefixField.RemoteHost => HostBytes,
        PrefixField.RemoteHostPort => HostPortBytes,
        _ => null,
    };

    /// <summary>Writes the captured fields to <paramref name="entry"/>; <paramref name="seconds"/> holds the parsed times when not empty.</summary>
    /// <summary>The fields that cannot be empty.</summary>
    internal static int MinLength(PrefixField field) =>
        field is PrefixField.Pid or PrefixField.LineNumber or PrefixField.Epoch or PrefixField.SqlState or PrefixField.QueryId ? 1 : 0;

    private static bool Apply(PrefixSegment[] segments, ReadOnlySpan<byte> line, Span<Range> captures, ReadOnlySpan<long> seconds,
        ReadOnlySpan<int> milliseconds, LogEntry entry, LogTimestamp clock)
    {
        var timeRank = int.MaxValue;
        long sessionId = 0;
        var hasPid = false;
        for (var i = 0; i < segments.Length; i++)
        {
            var field = segments[i].Field;
            if (field == PrefixField.Literal)
            {
                continue;
            }

            var value = line[captures[i]];
            switch (field)
            {
                case PrefixField.User:
                    entry.User.Set(value.Trim((byte)' '));
                    break;
                case PrefixField.Database:
                    entry.Database.Set(value.Trim((byte)' '));
                    break;
                case PrefixField.Application:
                    entry.Application.Set(value.Trim((byte)' '));
                    break;
                case PrefixField.RemoteHost:
                    entry.Client.Set(value);
                    break;
                case PrefixField.RemoteHostPort:
                    var parenthesis = value.IndexOf((byte)'(');
                    entry.Client.Set(parenthesis >= 0 ? value[..parenthesis] : value);
                    break;
                case PrefixField.Pid:
                    entry.Pid = ParseLong(value);
                    hasPid = true;
                    break;
                case PrefixField.SessionId:
                    sessionId = ParseSessionId(value);
                    break;
                case PrefixField.SqlState:
                    entry.SqlState.Set(value);
                    break;
                case PrefixField.Timestamp or PrefixField.TimestampMs or PrefixField.Epoch or PrefixField.SessionStart:
                    var rank = field switch
                    {
                        PrefixField.TimestampMs => 0,
                        PrefixField.Timestamp => 1,
                        PrefixField.Epoch => 2,
                        _ => 3,
                    };
                    if (rank < timeRank)
                    {
                        bool ok;
                        long time;
                        int millisecond;
                        if (field != PrefixField.Epoch && !seconds.IsEmpty)
                        {
                            (ok, time, millisecond) = (true, seconds[i], milliseconds[i]);
                        }
                        else
                        {
                            ok = field == PrefixField.Epoch
                                ? LogTimestamp.TryParseEpoch(value, out time, out millisecond, out _)
                                : clock.TryParse(value, out time, out millisecond, out _);
                        }

                        if (ok)
                        {
                            entry.Time = time;
                            entry.Millisecond = millisecond;
                            timeRank = rank;
                        }
                    }

                    break;
            }
        }

        if (!hasPid)
        {
            entry.Pid = sessionId;
        }

        return true;
    }

    private static long ParseLong(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        foreach (var c in digits)
        {
            value = value * 10 + (c - '0');
        }

        return value;
    }

    /// <summary>%c is "start time in hex.pid in hex"; both parts make the session key.</summary>
    private static long ParseSessionId(ReadOnlySpan<byte> text)
    {
        long value = 0;
        foreach (var c in text)
        {
            value = c switch
            {
                >= (byte)'0' and <= (byte)'9' => (value << 4) | (long)(c - '0'),
                >= (byte)'a' and <= (byte)'f' => (value << 4) | (long)(c - 'a' + 10),
                _ => value,
            };
        }

        return value;
    }
}
