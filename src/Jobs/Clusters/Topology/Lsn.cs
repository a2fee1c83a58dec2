using System.Globalization;

namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>A WAL position (pg_lsn), parsed from its text form "16/B374D848".</summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static Lsn? ParseOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 ||
            !uint.TryParse(text.AsSpan(0, slash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high) ||
            !uint.TryParse(text.AsSpan(slash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            throw new FormatException($"'{text}' is not a WAL position.");
        }

        return new Lsn(((ulong)high << 32) | low);
    }

    /// <summary>Bytes from <paramref name="other"/> up to this position (0 when this one is behind).</summary>
    public long BytesAfter(Lsn other) => Value > other.Value ? (long)Math.Min(Value - other.Value, long.MaxValue) : 0;

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;

    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;

    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;

    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(uint)(Value >> 32):X}/{(uint)Value:X}");
}
