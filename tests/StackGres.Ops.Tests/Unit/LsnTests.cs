using NpgsqlTypes;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Topology;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>WAL positions are Npgsql's <see cref="NpgsqlLogSequenceNumber"/>: what the topology, rolling and restore code rely on.</summary>
public sealed class LsnTests
{
    [Theory]
    [InlineData("0/0", 0UL)]
    [InlineData("16/B374D848", 0x16_B374D848UL)]
    [InlineData("ffffffff/FFFFFFFF", ulong.MaxValue)]
    public void WalPosition_ParsesAndFormatsInUpperCase(string text, ulong value)
    {
        Assert.Equal(value, (ulong)NpgsqlLogSequenceNumber.Parse(text));
        Assert.True(NpgsqlLogSequenceNumber.TryParse(text, out var parsed));
        Assert.Equal(value, (ulong)parsed);
        Assert.Equal(text.ToUpperInvariant(), new NpgsqlLogSequenceNumber(value).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("16")]
    [InlineData("/1")]
    [InlineData("1/")]
    [InlineData("G/1")]
    [InlineData("100000000/0")]
    public void MalformedText_IsRefused(string text)
    {
        Assert.Throws<FormatException>(() => NpgsqlLogSequenceNumber.Parse(text));
        Assert.False(NpgsqlLogSequenceNumber.TryParse(text, out _));
    }

    [Fact]
    public void LagBytes_NeverGoBelowZero()
    {
        var primary = Status("pg0", inRecovery: false, "0/300");
        var behind = Status("pg1", inRecovery: true, "0/100");
        var ahead = Status("pg2", inRecovery: true, "0/400");
        var topology = new ClusterTopology([primary, behind, ahead]);

        Assert.True(NpgsqlLogSequenceNumber.Parse("0/300") > NpgsqlLogSequenceNumber.Parse("0/100"));
        Assert.Equal(0x200L, topology.LagBytes(behind));
        Assert.Equal(0L, topology.LagBytes(ahead));
        Assert.Null(topology.LagBytes(primary));
    }

    private static InstanceStatus Status(string name, bool inRecovery, string lsn) => new()
    {
        Instance = new ClusterInstance { Name = name, Host = "127.0.0.1" },
        InRecovery = inRecovery,
        Lsn = NpgsqlLogSequenceNumber.Parse(lsn),
    };
}
