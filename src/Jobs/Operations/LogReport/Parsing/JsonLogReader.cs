using System.Text.Json;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>Reads jsonlog (PostgreSQL 15+): one JSON object per line. Lines that are not such objects are skipped and counted.</summary>
internal sealed class JsonLogReader(LogAggregator aggregator) : ILogReader
{
    private readonly LogTimestamp _clock = new();
    private readonly LogEntry _entry = new();
    private readonly TextBuffer _scratch = new();

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

            var target = Target(name, e);
            if (target is not null)
            {
                CopyValue(ref reader, target);
            }
            else if (name.SequenceEqual("timestamp"u8))
            {
                CopyValue(ref reader, _scratch);
                hasTime = _clock.TryParse(_scratch.Span, out var seconds, out var millisecond, out _);
                e.Time = seconds;
                e.Millisecond = millisecond;
            }
            else if (name.SequenceEqual("pid"u8) && reader.TokenType == JsonTokenType.Number)
            {
                e.Pid = reader.GetInt64();
            }
            else if (name.SequenceEqual("error_severity"u8))
            {
                CopyValue(ref reader, _scratch);
                e.Severity = SeverityNames.Parse(_scratch.Span);
            }
            else if (name.SequenceEqual("remote_host"u8))
            {
                CopyValue(ref reader, e.Client);
            }
            else if (name.SequenceEqual("internal_query"u8) && e.Statement.IsEmpty)
            {
                CopyValue(ref reader, e.Statement);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException();
        }

        return hasTime && e.Severity != Severity.Unknown;
    }

    private static TextBuffer? Target(ReadOnlySpan<byte> name, LogEntry e) => name switch
    {
        _ when name.SequenceEqual("message"u8) => e.Message,
        _ when name.SequenceEqual("user"u8) => e.User,
        _ when name.SequenceEqual("dbname"u8) => e.Database,
        _ when name.SequenceEqual("application_name"u8) => e.Application,
        _ when name.SequenceEqual("state_code"u8) => e.SqlState,
        _ when name.SequenceEqual("detail"u8) => e.Detail,
        _ when name.SequenceEqual("hint"u8) => e.Hint,
        _ when name.SequenceEqual("context"u8) => e.Context,
        _ when name.SequenceEqual("statement"u8) => e.Statement,
        _ => null,
    };

    private static void CopyValue(ref Utf8JsonReader reader, TextBuffer target)
    {
        target.Clear();
        if (reader.TokenType != JsonTokenType.String)
        {
            target.Append(reader.ValueSpan);
            return;
        }

        if (!reader.ValueIsEscaped)
        {
            target.Append(reader.ValueSpan);
            return;
        }

        var span = target.GetSpan(reader.ValueSpan.Length);
        target.Advance(reader.CopyString(span));
    }
}
