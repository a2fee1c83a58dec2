namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>A growable byte buffer reused from entry to entry, so that reading a log allocates nothing per line.</summary>
internal sealed class TextBuffer
{
    private byte[] _bytes = new byte[256];

    public int Length { get; private set; }

    public bool IsEmpty => Length == 0;

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Set(ReadOnlySpan<byte> value)
    {
        Length = 0;
        Append(value);
    }

    public void Append(ReadOnlySpan<byte> value)
    {
        Ensure(Length + value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public void Append(byte value)
    {
        Ensure(Length + 1);
        _bytes[Length++] = value;
    }

    /// <summary>Appends a continuation line, separated by a newline as PostgreSQL wrote it.</summary>
    public void AppendLine(ReadOnlySpan<byte> value)
    {
        Append((byte)'\n');
        Append(value);
    }

    /// <summary>Space to write up to <paramref name="size"/> bytes at the end; commit with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(Length + size);
        return _bytes.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Span);

    private void Ensure(int size)
    {
        if (size > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(size, _bytes.Length * 2));
        }
    }
}
