using StackGres.Ops.Jobs.Operations.LogReport.Analysis;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// Reads csvlog: one record per message, fields quoted with doubled quotes inside, line breaks
/// allowed in quoted fields (a record then spans several lines). Records that do not have
/// csvlog's shape are skipped and counted.
/// </summary>
internal sealed class CsvLogReader(LogAggregator aggregator) : ILogReader
{
    private const int MinFields = 22;
    private const int MaxFields = 26;

    private readonly LogTimestamp _clock = new();
    private readonly LogEntry _entry = new();
    private readonly TextBuffer _pending = new();
    private readonly Range[] _fields = new Range[MaxFields + 1];
    private readonly bool[] _quotes = new bool[MaxFields + 1];
    private bool _lineBreaks;
    private long _pendingLines;

    public ReadCounters Counters { get; } = new();

    public void OnLine(ReadOnlySpan<byte> line)
    {
        Counters.Lines++;
        ReadOnlySpan<byte> record;
        if (_pending.IsEmpty)
        {
            record = line;
        }
        else
        {
            _pending.AppendLine(line);
            record = _pending.Span;
        }

        var count = Split(record, _fields, _quotes, out var open);
        if (open)
        {
            if (_pending.IsEmpty)
            {
                _pending.Set(line);
            }

            _pendingLines++;
            if (_pending.Length > 64 * 1024 * 1024)
            {
                Counters.Skip(_pending.Span, "a quoted field never ends");
                _pending.Clear();
                _pendingLines = 0;
            }

            return;
        }

        Process(record, count);
        _pending.Clear();
        _pendingLines = 0;
    }

    public void Complete(bool truncated)
    {
        if (!_pending.IsEmpty)
        {
            Counters.Skip(_pending.Span, "the input ends inside a quoted field (truncated record)");
            Counters.Warnings.Add("the input ends in the middle of a csvlog record; that record was skipped");
            _pending.Clear();
        }
        else if (truncated)
        {
            Counters.Warnings.Add("the input does not end with a line break: its last record may be cut");
        }
    }

    private void Process(ReadOnlySpan<byte> record, int count)
    {
        if (record.IsEmpty || (record.Length == 1 && record[0] == '\r'))
        {
            return;
        }

        // One look for the rare bytes: a NUL makes the record unreadable, a CR or LF asks Copy to fold line breaks.
        var rare = record.IndexOfAny((byte)0, (byte)'\r', (byte)'\n') >= 0;
        _lineBreaks = rare && record.IndexOfAny((byte)'\r', (byte)'\n') >= 0;
        if (count < MinFields || count > MaxFields || (rare && record.IndexOf((byte)0) >= 0))
        {
            Counters.Skip(record, count < 0 ? "malformed quoting" : $"{count} field(s) where csvlog has {MinFields} to {MaxFields}");
            return;
        }

        var e = _entry;
        e.Clear();
        if (!_clock.TryParse(Field(record, 0), out var seconds, out var millisecond, out _))
        {
            Counters.Skip(record, "the first field is not a timestamp");
            return;
        }

        e.Time = seconds;
        e.Millisecond = millisecond;
        Copy(record, 1, e.User);
        Copy(record, 2, e.Database);
        e.Pid = ParsePid(Field(record, 3));
        var from = Field(record, 4);
        var colon = from.IndexOf((byte)':');
        e.Client.Set(colon >= 0 && from.Count((byte)':') == 1 ? from[..colon] : from);
        e.Severity = SeverityNames.Parse(Field(record, 11));
        Copy(record, 12, e.SqlState);
        Copy(record, 13, e.Message);
        Copy(record, 14, e.Detail);
        Copy(record, 15, e.Hint);
        Copy(record, 18, e.Context);
        Copy(record, 19, e.Statement);
        if (e.Statement.IsEmpty)
        {
            Copy(record, 16, e.Statement);
        }

        Copy(record, 22, e.Application, count);
        Counters.Entries++;
        aggregator.Process(e);
    }

    private ReadOnlySpan<byte> Field(ReadOnlySpan<byte> record, int index) => record[_fields[index]];

    /// <summary>
    /// Copies a field, turning doubled quotes back into one and, as pgBadger does with csvlog, runs of
    /// line breaks into one space (so that both tools normalize multi-line statements alike).
    /// </summary>
    private void Copy(ReadOnlySpan<byte> record, int index, TextBuffer target, int count = int.MaxValue)
    {
        target.Clear();
        if (index >= count)
        {
            return;
        }

        var value = record[_fields[index]];
        var multiLine = _lineBreaks && value.IndexOfAny((byte)'\n', (byte)'\r') >= 0;
        while (true)
        {
            var quote = _quotes[index] ? value.IndexOf("\"\""u8) : -1;
            if (quote < 0)
            {
                target.Append(value);
                break;
            }

            target.Append(value[..(quote + 1)]);
            value = value[(quote + 2)..];
        }

        if (multiLine)
        {
            FoldLineBreaks(target);
        }
    }

    private static void FoldLineBreaks(TextBuffer text)
    {
        var bytes = text.Span.ToArray();
        text.Clear();
        var inBreak = false;
        foreach (var c in bytes)
        {
            if (c is (byte)'\n' or (byte)'\r')
            {
                if (!inBreak)
                {
                    text.Append((byte)' ');
                }

                inBreak = true;
                continue;
            }

            inBreak = false;
            text.Append(c);
        }
    }

    private static long ParsePid(ReadOnlySpan<byte> text)
    {
        long pid = 0;
        foreach (var c in text)
        {
            if ((uint)(c - '0') > 9)
            {
                break;
            }

            pid = pid * 10 + (c - '0');
        }

        return pid;
    }

    /// <summary>Splits a record into field ranges (quotes excluded); <paramref name="open"/> when a quoted field runs past the end.</summary>
    internal static int Split(ReadOnlySpan<byte> record, Span<Range> fields, out bool open) => Split(record, fields, [], out open);

    /// <summary>
    /// As above; <paramref name="quotes"/> tells for each field whether it holds a quote (in a quoted field, a doubled
    /// one): the fields without have nothing to undo.
    /// </summary>
    internal static int Split(ReadOnlySpan<byte> record, Span<Range> fields, Span<bool> quotes, out bool open)
    {
        var count = 0;
        var i = 0;
        open = false;
        while (true)
        {
            int start;
            int end;
            var quoted = false;
            if (i < record.Length && record[i] == '"')
            {
                start = i + 1;
                var j = start;
                while (true)
                {
                    var quote = record[j..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        open = true;
                        return count;
                    }

                    j += quote;
                    if (j + 1 < record.Length && record[j + 1] == '"')
                    {
                        quoted = true;
                        j += 2;
                        continue;
                    }

                    break;
                }

                end = j;
                i = j + 1;
            }
            else
            {
                // Unquoted fields are short (numbers, times, codes, often empty): a byte loop beats a vector search.
                start = i;
                while (i < record.Length && record[i] != ',')
                {
                    quoted |= record[i] == '"';
                    i++;
                }

                end = i;
            }

            if (count < fields.Length)
            {
                fields[count] = new Range(start, end);
                if (count < quotes.Length)
                {
                    quotes[count] = quoted;
                }
            }

            count++;
            if (i >= record.Length || record[i] != ',')
            {
                return i >= record.Length || (record[i] == '\r' && i == record.Length - 1) ? count : -1;
            }

            i++;
        }
    }
}
