using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>A WAL position (pg_lsn), parsed from its text form "16/B374D848" by Npgsql.</summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static Lsn? ParseOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!NpgsqlLogSequenceNumber.TryParse(text, out var lsn))
        {
            throw new FormatException($"'{text}' is not a WAL position.");
        }

        return new Lsn((ulong)lsn);
    }

    /// <summary>Bytes from <paramref name="other"/> up to this position (0 when this one is behind).</summary>
    public long BytesAfter(Lsn other) => Value > other.Value ? (long)Math.Min(Value - other.Value, long.MaxValue) : 0;

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;

    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;

    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;

    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;

    public override string ToString() => new NpgsqlLogSequenceNumber(Value).ToString();
}
