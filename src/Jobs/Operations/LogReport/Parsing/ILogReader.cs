namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>Turns the lines of one chunk of a log into entries for the aggregator.</summary>
internal interface ILogReader
{
    ReadCounters Counters { get; }

    /// <summary>One line, without its line break.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>The chunk ended: hands over the last entry; <paramref name="truncated"/> when the input ended early.</summary>
    void Complete(bool truncated);
}
