using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>How much of an input was read, and what had to be skipped (with the first few skipped lines as examples).</summary>
internal sealed class ReadCounters
{
    public const int MaxSamples = 3;

    public long Lines { get; set; }
    public long Entries { get; set; }
    public long SkippedLines { get; private set; }
    public List<string> SkippedSamples { get; } = [];
    public List<string> Warnings { get; } = [];

    public void Skip(ReadOnlySpan<byte> line, string reason)
    {
        SkippedLines++;
        if (SkippedSamples.Count < MaxSamples)
        {
            var shown = line.Length > 200 ? line[..200] : line;
            var text = new StringBuilder(shown.Length);
            foreach (var c in Encoding.UTF8.GetString(shown))
            {
                text.Append(char.IsControl(c) && c != '\t' ? '\uFFFD' : c);
            }

            SkippedSamples.Add($"line {Lines}: {reason}: {text}");
        }
    }

    public void Merge(ReadCounters other)
    {
        Lines += other.Lines;
        Entries += other.Entries;
        SkippedLines += other.SkippedLines;
        foreach (var sample in other.SkippedSamples)
        {
            if (SkippedSamples.Count < MaxSamples)
            {
                SkippedSamples.Add(sample);
            }
        }

        Warnings.AddRange(other.Warnings);
    }
}
