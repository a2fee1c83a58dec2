using System.Buffers.Binary;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// Normalized forms of statements already seen, keyed by the statement text and its number of bind values
/// (see QueryNormalizer.IsCacheable for when that is enough). Bounded: emptied when full, so memory stays flat
/// however many statements a log holds.
/// </summary>
internal sealed class NormalizedCache
{
    public const int MaxQueryLength = 4096;
    private const int MaxEntries = 4096;

    private ByteKeyMap<byte[]> _current = new();
    private byte[] _key = new byte[256];

    public bool TryGet(ReadOnlySpan<byte> query, int values, out ReadOnlySpan<byte> normalized)
    {
        var found = _current.TryGet(Key(query, values), out var value);
        normalized = value;
        return found;
    }

    public void Add(ReadOnlySpan<byte> query, int values, ReadOnlySpan<byte> normalized)
    {
        if (_current.Count >= MaxEntries)
        {
            _current = new ByteKeyMap<byte[]>();
        }

        var copy = normalized.ToArray();
        _current.GetOrAdd(Key(query, values), _ => copy);
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
