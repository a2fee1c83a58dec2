using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// A hash map keyed by byte strings, looked up with a span so that a hit allocates nothing: the
/// key is copied once, when it is first added. Used for normalized queries and short names.
/// </summary>
internal sealed class ByteKeyMap<TValue> where TValue : class
{
    private int[] _buckets = new int[64];
    private Entry[] _entries = new Entry[32];

    public int Count { get; private set; }

    public bool TryGet(ReadOnlySpan<byte> key, out TValue? value)
    {
        var index = Find(key, Hash(key), out _);
        value = index < 0 ? null : _entries[index].Value;
        return index >= 0;
    }

    public TValue GetOrAdd(ReadOnlySpan<byte> key, Func<byte[], TValue> create)
    {
        var hash = Hash(key);
        var found = Find(key, hash, out var slot);
        if (found >= 0)
        {
            return _entries[found].Value;
        }

        var keyBytes = key.ToArray();
        var value = create(keyBytes);
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        _entries[Count] = new Entry(hash, keyBytes, value);
        _buckets[slot] = ++Count;
        if (Count * 2 > _buckets.Length)
        {
            Rehash();
        }

        return value;
    }

    public IEnumerable<(byte[] Key, TValue Value)> Items()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return (_entries[i].Key, _entries[i].Value);
        }
    }

    public static int Hash(ReadOnlySpan<byte> key)
    {
        ulong hash = 0xcbf29ce484222325UL ^ (ulong)key.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var word in words)
        {
            hash = (hash ^ word) * 0x100000001b3UL;
            hash ^= hash >> 29;
        }

        for (var i = words.Length * 8; i < key.Length; i++)
        {
            hash = (hash ^ key[i]) * 0x100000001b3UL;
        }

        hash ^= hash >> 32;
        return (int)(hash & 0x7fffffff);
    }

    /// <summary>The entry index of <paramref name="key"/>, or -1 with <paramref name="slot"/> at the empty bucket where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<byte> key, int hash, out int slot)
    {
        var mask = _buckets.Length - 1;
        slot = hash & mask;
        while (true)
        {
            var index = _buckets[slot] - 1;
            if (index < 0)
            {
                return -1;
            }

            ref var entry = ref _entries[index];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key))
            {
                return index;
            }

            slot = (slot + 1) & mask;
        }
    }

    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        var mask = _buckets.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            var slot = _entries[i].Hash & mask;
            while (_buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _buckets[slot] = i + 1;
        }
    }

    private readonly record struct Entry(int Hash, byte[] Key, TValue Value);
}
