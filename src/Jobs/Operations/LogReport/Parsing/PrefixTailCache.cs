namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// What the prefix gave for the part of recent lines between their timestamp and their message. The first bytes of
/// that part (usually the process id) choose a set of four entries, since one session writes lines of several
/// severities (LOG, DETAIL, ...). One per reader; bounded.
/// </summary>
internal sealed class PrefixTailCache
{
    private const int HashedBytes = 12;
    private const int Ways = 4;
    private const int Sets = 32;
    private readonly Slot?[] _slots = new Slot?[Sets * Ways];
    private readonly byte[] _next = new byte[Sets];

    /// <summary>How many lines were matched from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>The entry whose bytes start <paramref name="tail"/> and are followed there by no blank, if any.</summary>
    public Slot? Find(ReadOnlySpan<byte> tail)
    {
        var set = Set(tail) * Ways;
        for (var i = set; i < set + Ways; i++)
        {
            var slot = _slots[i];
            if (slot is not null && tail.StartsWith(slot.Tail) &&
                (tail.Length == slot.Tail.Length || tail[slot.Tail.Length] is not ((byte)' ' or (byte)'\t')))
            {
                Hits++;
                return slot;
            }
        }

        return null;
    }

    /// <summary>Remembers <paramref name="matched"/> (the bytes from the end of the timestamp to the message) and the fields it gave.</summary>
    public void Add(ReadOnlySpan<byte> tail, ReadOnlySpan<byte> matched, LogEntry entry, Severity severity)
    {
        var set = Set(tail);
        _slots[(set * Ways) + _next[set]] = new Slot(matched.ToArray(), entry.User.Span.ToArray(), entry.Database.Span.ToArray(),
            entry.Application.Span.ToArray(), entry.Client.Span.ToArray(), entry.SqlState.Span.ToArray(), entry.Pid, severity);
        _next[set] = (byte)((_next[set] + 1) % Ways);
    }

    private static int Set(ReadOnlySpan<byte> tail)
    {
        var hash = 17u;
        foreach (var b in tail[..Math.Min(HashedBytes, tail.Length)])
        {
            hash = (hash * 31) + b;
        }

        return (int)((hash ^ (hash >> 7)) % Sets);
    }

    internal sealed record Slot(byte[] Tail, byte[] User, byte[] Database, byte[] Application, byte[] Client, byte[] SqlState, long Pid,
        Severity Severity);
}
