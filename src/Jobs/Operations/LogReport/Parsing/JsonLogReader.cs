using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>Reads jsonlog (PostgreSQL 15+): one JSON object per line. Lines that are not such objects are skipped and counted.</summary>
internal sealed class JsonLogReader(LogAggregator aggregator) : ILogReader
{
    private readonly LogTimestamp _clock = new();
    private readonly LogEntry _entry = new();
    private readonly TextBuffer _unescaped = new();

    public ReadCounters Counters { get; } = new();

    public void OnLine(ReadOnlySpan<byte> line)
    {
        Counters.Lines++;
        if (line.IsEmpty || (line.Length == 1 && line[0] == '\r'))
        {
            return;
        }

        var e = _entry;
        e.Clear();
        try
        {
            if (!Read(line, e))
            {
                Counters.Skip(line, "not a jsonlog record (no timestamp or no error_severity)");
                return;
            }
        }
        catch (JsonException)
        {
            Counters.Skip(line, "not valid JSON");
            return;
        }

        Counters.Entries++;
        aggregator.Process(e);
    }

    public void Complete(bool truncated)
    {
        if (truncated)
        {
            Counters.Warnings.Add("the input does not end with a line break: its last record may be cut");
        }
    }

    private bool Read(ReadOnlySpan<byte> line, LogEntry e)
    {
        if (TryReadPlain(line, e, out var isRecord))
        {
            return isRecord;
        }

        // Not of the plain shape PostgreSQL writes: the JSON reader decides, from a clean entry.
        e.Clear();
        return ReadWithJsonReader(line, e);
    }

    /// <summary>
    /// Reads an object of the shape PostgreSQL writes (no blanks between tokens; string values of printable ASCII
    /// with the short escapes; integer numbers). False for anything else (the JSON reader then reads the line),
    /// so a line this accepts is one Utf8JsonReader accepts and reads to the same values.
    /// </summary>
    private bool TryReadPlain(ReadOnlySpan<byte> line, LogEntry e, out bool isRecord)
    {
        isRecord = false;
        if (line.Length < 2 || line[0] != '{')
        {
            return false;
        }

        var hasTime = false;
        var i = 1;
        while (true)
        {
            if (i >= line.Length || line[i] != '"')
            {
                return false;
            }

            var nameLength = line[(i + 1)..].IndexOfAnyExcept(PlainBytes);
            if (nameLength < 0 || line[i + 1 + nameLength] != '"')
            {
                return false;
            }

            var name = line.Slice(i + 1, nameLength);
            i += nameLength + 2;
            if (i + 1 >= line.Length || line[i] != ':')
            {
                return false;
            }

            i++;
            ReadOnlySpan<byte> value;
            var isNumber = line[i] != '"';
            if (isNumber ? !TryInteger(line, ref i, out value) : !TryString(line, ref i, out value))
            {
                return false;
            }

            Assign(name, isNumber, value, e, ref hasTime);
            if (i >= line.Length)
            {
                return false;
            }

            if (line[i] == ',')
            {
                i++;
                continue;
            }

            if (line[i] != '}' || line[(i + 1)..].IndexOfAnyExcept(JsonBlanks) >= 0)
            {
                return false;
            }

            isRecord = hasTime && e.Severity != Severity.Unknown;
            return true;
        }
    }

    /// <summary>A string value at <paramref name="i"/> (its opening quote); short escapes are undone into a scratch buffer.</summary>
    private bool TryString(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        var start = i + 1;
        var length = line[start..].IndexOfAnyExcept(PlainBytes);
        if (length < 0)
        {
            return false;
        }

        if (line[start + length] == '"')
        {
            value = line.Slice(start, length);
            i = start + length + 1;
            return true;
        }

        _unescaped.Clear();
        var position = start;
        while (true)
        {
            var stop = position + length;
            _unescaped.Append(line[position..stop]);
            if (line[stop] == '"')
            {
                value = _unescaped.Span;
                i = stop + 1;
                return true;
            }

            if (line[stop] != '\\' || stop + 1 >= line.Length)
            {
                return false;
            }

            byte unescaped = line[stop + 1] switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => 0,
            };
            if (unescaped == 0)
            {
                return false;
            }

            _unescaped.Append(unescaped);
            position = stop + 2;
            length = line[position..].IndexOfAnyExcept(PlainBytes);
            if (length < 0)
            {
                return false;
            }
        }
    }

    /// <summary>An integer as JSON writes it (no leading zero, at most 18 digits) at <paramref name="i"/>.</summary>
    private static bool TryInteger(ReadOnlySpan<byte> line, scoped ref int i, out ReadOnlySpan<byte> value)
    {
        var start = i;
        var digits = i < line.Length && line[i] == '-' ? i + 1 : i;
        var end = digits;
        while (end < line.Length && (uint)(line[end] - '0') <= 9)
        {
            end++;
        }

        value = line[start..end];
        i = end;
        return end > digits && end - digits <= 18 && (line[digits] != '0' || end == digits + 1);
    }

    /// <summary>
    /// What a plain run of a string is made of: printable ASCII but the quote and the backslash. A run ends at
    /// anything else (quote, escape, control byte, a byte that is not ASCII). An ASCII set keeps the search
    /// vectorized on every target, Native AOT's baseline included.
    /// </summary>
    private static readonly SearchValues<byte> PlainBytes = SearchValues.Create(PlainList());
    private static readonly SearchValues<byte> JsonBlanks = SearchValues.Create(" \t\r\n"u8);

    private static byte[] PlainList() => [.. Enumerable.Range(0x20, 0x60).Select(b => (byte)b).Where(b => b is not ((byte)'"' or (byte)'\\'))];

    private bool ReadWithJsonReader(ReadOnlySpan<byte> line, LogEntry e)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException();
        }

        var hasTime = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            ReadOnlySpan<byte> value;
            if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
            {
                _unescaped.Clear();
                var span = _unescaped.GetSpan(reader.ValueSpan.Length);
                _unescaped.Advance(reader.CopyString(span));
                value = _unescaped.Span;
            }
            else
            {
                value = reader.ValueSpan;
            }

            Assign(name, reader.TokenType == JsonTokenType.Number, value, e, ref hasTime);
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException();
        }

        return hasTime && e.Severity != Severity.Unknown;
    }

    /// <summary>One property of the record into the entry; <paramref name="value"/> is unescaped.</summary>
    private void Assign(ReadOnlySpan<byte> name, bool isNumber, ReadOnlySpan<byte> value, LogEntry e, ref bool hasTime)
    {
        var target = Target(name, e);
        if (target is not null)
        {
            target.Set(value);
        }
        else if (name.SequenceEqual("timestamp"u8))
        {
            hasTime = _clock.TryParse(value, out var seconds, out var millisecond, out _);
            e.Time = seconds;
            e.Millisecond = millisecond;
        }
        else if (name.SequenceEqual("pid"u8) && isNumber)
        {
            // As Utf8JsonReader.GetInt64 reads it.
            e.Pid = Utf8Parser.TryParse(value, out long pid, out var consumed) && consumed == value.Length ? pid : throw new FormatException();
        }
        else if (name.SequenceEqual("error_severity"u8))
        {
            e.Severity = SeverityNames.Parse(value);
        }
        else if (name.SequenceEqual("remote_host"u8))
        {
            e.Client.Set(value);
        }
        else if (name.SequenceEqual("internal_query"u8) && e.Statement.IsEmpty)
        {
            e.Statement.Set(value);
        }
    }

    private static TextBuffer? Target(ReadOnlySpan<byte> name, LogEntry e) => name.Length switch
    {
        7 when name.SequenceEqual("message"u8) => e.Message,
        4 when name.SequenceEqual("user"u8) => e.User,
        6 when name.SequenceEqual("dbname"u8) => e.Database,
        16 when name.SequenceEqual("application_name"u8) => e.Application,
        10 when name.SequenceEqual("state_code"u8) => e.SqlState,
        6 when name.SequenceEqual("detail"u8) => e.Detail,
        4 when name.SequenceEqual("hint"u8) => e.Hint,
        7 when name.SequenceEqual("context"u8) => e.Context,
        9 when name.SequenceEqual("statement"u8) => e.Statement,
        _ => null,
    };
}
