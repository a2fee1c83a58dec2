using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters.Topology;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class LsnTests
{
    [Theory]
    [InlineData("0/0", 0UL)]
    [InlineData("16/B374D848", 0x16_B374D848UL)]
    [InlineData("ffffffff/FFFFFFFF", ulong.MaxValue)]
    public void BothWalPositionForms_ParseAndFormatTheSameValue(string text, ulong value)
    {
        Assert.Equal(value, Lsn.ParseOrNull(text)!.Value.Value);
        Assert.True(WalPosition.TryParseLsn(text, out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(text.ToUpperInvariant(), new Lsn(value).ToString());
        Assert.Equal(text.ToUpperInvariant(), WalPosition.FormatLsn(value));
    }

    [Theory]
    [InlineData("16")]
    [InlineData("/1")]
    [InlineData("1/")]
    [InlineData("G/1")]
    [InlineData("100000000/0")]
    public void MalformedText_IsRefused(string text)
    {
        Assert.Throws<FormatException>(() => Lsn.ParseOrNull(text));
        Assert.False(WalPosition.TryParseLsn(text, out _));
    }

    [Fact]
    public void EmptyText_IsNoPosition()
    {
        Assert.Null(Lsn.ParseOrNull(""));
        Assert.Null(Lsn.ParseOrNull(null));
        Assert.False(WalPosition.TryParseLsn(null, out _));
    }

    [Fact]
    public void BytesBetweenPositions_NeverGoBelowZero()
    {
        var behind = Lsn.ParseOrNull("0/100")!.Value;
        var ahead = Lsn.ParseOrNull("0/300")!.Value;
        Assert.True(ahead > behind);
        Assert.Equal(0x200L, ahead.BytesAfter(behind));
        Assert.Equal(0L, behind.BytesAfter(ahead));
    }
}
