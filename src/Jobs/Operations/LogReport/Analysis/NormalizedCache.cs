using System.Buffers.Binary;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// Normalized forms of statements already seen, keyed by the statement text and its number of bind values
/// (see QueryNormalizer.IsCacheable for when that is enough). Bounded (4096 statements, about 4 MB): emptied when
/// full, so memory stays flat however many statements a log holds.
/// </summary>
internal sealed class NormalizedCache
{
    public const int MaxQueryLength = 4096;
    private const int MaxEntries = 4096;
    private const int MaxBytes = 4 << 20;

    private ByteKeyMap<RememberedForm> _current = new();
    private long _bytes;
    private byte[] _key = new byte[256];

    public bool TryGet(ReadOnlySpan<byte> query, int values, out RememberedForm? form) => _current.TryGet(Key(query, values), out form);

    public RememberedForm Add(ReadOnlySpan<byte> query, int values, ReadOnlySpan<byte> normalized)
    {
        if (_current.Count >= MaxEntries || _bytes > MaxBytes)
        {
            _current = new ByteKeyMap<RememberedForm>();
            _bytes = 0;
        }

        _bytes += query.Length + normalized.Length + 64;
        var form = new RememberedForm(normalized.ToArray());
        return _current.GetOrAdd(Key(query, values), _ => form);
    }

    /// <summary>The text, then the count in four bytes: the last four bytes of a key always hold the count.</summary>
    private ReadOnlySpan<byte> Key(ReadOnlySpan<byte> query, int values)
    {
        if (_key.Length < query.Length + 4)
        {
            _key = new byte[query.Length + 4 + 64];
        }

        query.CopyTo(_key);
        BinaryPrimitives.WriteInt32LittleEndian(_key.AsSpan(query.Length), values);
        return _key.AsSpan(0, query.Length + 4);
    }
}

/// <summary>A remembered normalized form, and what the aggregator derived from it (its figures and its kind).</summary>
internal sealed class RememberedForm(byte[] normalized)
{
    public byte[] Normalized { get; } = normalized;

    public QueryStats? Stats { get; set; }

    public QueryKind Kind { get; set; }
}
