using System.Buffers;

namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

internal enum MatchStepKind : byte
{
    Literal,
    Time,
    Class,
    Lazy,
}

/// <summary>A prefix segment prepared for the forward matcher: what it is made of and what follows it, worked out once.</summary>
internal sealed record MatchStep(PrefixField Field, MatchStepKind Kind, byte[] Literal, SearchValues<byte>? Class, int MinLength, byte[]? NextLiteral)
{
    public static MatchStep[] Compile(PrefixSegment[] segments)
    {
        var steps = new MatchStep[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var next = i + 1 < segments.Length && segments[i + 1].Field == PrefixField.Literal ? segments[i + 1].Literal : null;
            var kind = segment.Field switch
            {
                PrefixField.Literal => MatchStepKind.Literal,
                PrefixField.Timestamp or PrefixField.TimestampMs or PrefixField.SessionStart => MatchStepKind.Time,
                _ when segment.IsLazy => MatchStepKind.Lazy,
                _ => MatchStepKind.Class,
            };
            steps[i] = new MatchStep(segment.Field, kind, segment.Literal, LogLinePrefix.ClassBytes(segment.Field) ?? Nothing,
                LogLinePrefix.MinLength(segment.Field), next);
        }

        return steps;
    }

    /// <summary>A class no byte belongs to: a field that is neither lazy nor of a known class matches the empty text.</summary>
    private static readonly SearchValues<byte> Nothing = SearchValues.Create(ReadOnlySpan<byte>.Empty);
}
