namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// A sum of durations in milliseconds kept exact, in whole nanoseconds: the same durations added in any order (chunk by
/// chunk on several threads, file by file, read from the files or over SQL) give the same total, so a report does not
/// change in its last digit with how its input was split. Durations in logs have at most microseconds.
/// </summary>
internal readonly record struct DurationSum(long Nanoseconds)
{
    public double Milliseconds => Nanoseconds / 1_000_000.0;

    public static DurationSum operator +(DurationSum sum, double milliseconds) => sum.Add(milliseconds);

    public static DurationSum operator +(DurationSum left, DurationSum right) => left.Add(right);

    public static implicit operator double(DurationSum sum) => sum.Milliseconds;

    public DurationSum Add(double milliseconds) => new(Nanoseconds + (long)Math.Round(milliseconds * 1_000_000));

    public DurationSum Add(DurationSum other) => new(Nanoseconds + other.Nanoseconds);

    public double ToDouble() => Milliseconds;
}
