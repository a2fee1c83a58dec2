using StackGres.Ops.Cli.Output;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class FormatsTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(98_754_560L, "94.2 MiB")]
    [InlineData(5L * 1024 * 1024 * 1024 * 1024, "5.0 TiB")]
    public void Bytes_UsesBinaryUnits(long bytes, string expected) => Assert.Equal(expected, Formats.Bytes(bytes));

    [Theory]
    [InlineData(12.4, "12 ms")]
    [InlineData(2_345.0, "2.3 s")]
    [InlineData(250_000.0, "4m 10s")]
    [InlineData(90_000_000.0, "1d 1h")]
    public void Duration_PicksTheUnitsAPersonReads(double milliseconds, string expected) => Assert.Equal(expected, Formats.Duration(milliseconds));

    [Fact]
    public void Time_IsIso8601InUtc() =>
        Assert.Equal("2025-03-30T01:30:00Z", Formats.Time(new DateTimeOffset(2025, 3, 30, 3, 30, 0, TimeSpan.FromHours(2))));
}
