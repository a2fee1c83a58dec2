using System.Buffers.Text;
using System.Globalization;
using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>The duration reader's short path must give the very double Utf8Parser gives, and read as far.</summary>
public sealed class DurationParsingTests
{
    [Theory]
    [InlineData("0.206 ms")]
    [InlineData("1234.5 ms  statement: select 1")]
    [InlineData("0.001 ms")]
    [InlineData("99999999999.9999 ms")]
    [InlineData("1234567890.1234567 ms")]
    [InlineData("12 ms")]
    [InlineData("1.5e3 ms")]
    [InlineData("1. ms")]
    [InlineData(".5 ms")]
    [InlineData("-1.5 ms")]
    [InlineData("0.0000000000000000000000001 ms")]
    [InlineData("abc")]
    public void Parse_AgreesWithUtf8Parser(string text) => AssertSame(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Parse_AgreesWithUtf8Parser_OnManyDurations()
    {
        var random = new Random(42);
        for (var i = 0; i < 200_000; i++)
        {
            var whole = random.Next(0, 5) switch { 0 => 0, 1 => random.Next(10), 2 => random.Next(1000), 3 => random.Next(), _ => random.NextInt64(1, 10_000_000_000L) };
            var fraction = random.Next(1, 10);
            var digits = string.Concat(Enumerable.Range(0, fraction).Select(_ => (char)('0' + random.Next(10))));
            AssertSame(Encoding.ASCII.GetBytes(whole.ToString(CultureInfo.InvariantCulture) + "." + digits + " ms"));
        }
    }

    private static void AssertSame(byte[] text)
    {
        var expectedOk = Utf8Parser.TryParse(text, out double expected, out var expectedConsumed);
        var ok = LogAggregator.TryParseMilliseconds(text, out var value, out var consumed);
        Assert.Equal(expectedOk, ok);
        if (ok)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
            Assert.Equal(expectedConsumed, consumed);
        }
    }
}
