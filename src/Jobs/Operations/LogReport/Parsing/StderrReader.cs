using StackGres.Ops.Jobs.Operations.LogReport.Analysis;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// Reads stderr logs: a line that matches log_line_prefix starts a message (or adds its DETAIL,
/// HINT, CONTEXT or STATEMENT); a line starting with a tab continues the part above it.
/// Any other line is skipped and counted.
/// </summary>
internal sealed class StderrReader(LogLinePrefix prefix, LogAggregator aggregator) : ILogReader
{
    private readonly LogTimestamp _clock = new();
    private readonly PrefixTailCache _tails = new();
    private LogEntry _current = new();
    private LogEntry _scratch = new();
    private bool _hasCurrent;

    public ReadCounters Counters { get; } = new();

    public void OnLine(ReadOnlySpan<byte> line)
    {
        Counters.Lines++;
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            return;
        }

        if (line[0] == '\t')
        {
            if (_hasCurrent)
            {
                _current.Last.AppendLine(line[1..]);
            }
            else
            {
                Counters.Skip(line, "continuation line without a message before it");
            }

            return;
        }

        _scratch.Clear();
        if (line.IndexOf((byte)0) >= 0 || !prefix.TryMatch(line, _scratch, _clock, out var severity, out var start, _tails))
        {
            Counters.Skip(line, "does not match the log_line_prefix");
            return;
        }

        var text = line[start..];
        if (SeverityNames.IsMain(severity))
        {
            Flush();
            (_current, _scratch) = (_scratch, _current);
            _current.Severity = severity;
            _current.Message.Set(text);
            _current.Last = _current.Message;
            _hasCurrent = true;
        }
        else if (_hasCurrent && _scratch.Pid == _current.Pid)
        {
            _current.AddSecondary(severity, text);
        }
    }

    public void Complete(bool truncated)
    {
        Flush();
        if (truncated)
        {
            Counters.Warnings.Add("the input ended in the middle of a line; that line was skipped");
        }
    }

    private void Flush()
    {
        if (_hasCurrent)
        {
            Counters.Entries++;
            aggregator.Process(_current);
            _hasCurrent = false;
        }
    }
}
