using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Verify;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>The pure parts of verify: where an amcheck error says the damage is, and the pause's duration.</summary>
public sealed class VerifyUnitTests
{
    [Fact]
    public void Find_ReadsTheIndexTuple_FromBtIndexChecksDetail()
    {
        var location = CorruptionLocation.Find("item order invariant violated for index \"t_pkey\"",
            "Lower index tid=(1,7) (points to heap tid=(0,1)) higher index tid=(1,8) (points to heap tid=(0,2)) page lsn=0/1556EB0.");

        Assert.Equal(new CorruptionLocation(1, 7, CorruptionLocation.Place.Index), location);
    }

    [Fact]
    public void Find_ReadsTheBlockAndFile_OfAPageTheServerCannotRead()
    {
        Assert.Equal(new CorruptionLocation(12, null, CorruptionLocation.Place.Page, "base/16384/16385.1"),
            CorruptionLocation.Find("invalid page in block 12 of relation base/16384/16385.1", null));
        Assert.Equal(new CorruptionLocation(3, null, CorruptionLocation.Place.Page),
            CorruptionLocation.Find("index \"t_pkey\" contains corrupted page at block 3", "Detail redacted"));
    }

    [Fact]
    public void Find_ReadsTheHeapTuple_ThatLacksItsIndexEntry()
    {
        Assert.Equal(new CorruptionLocation(4, 2, CorruptionLocation.Place.HeapTuple),
            CorruptionLocation.Find("heap tuple (4,2) from table \"t\" lacks matching index tuple within index \"t_pkey\"", null));
        Assert.Null(CorruptionLocation.Find("could not access status of transaction 1234", null));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250", 250)]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2000)]
    [InlineData("1min", 60_000)]
    [InlineData("1500us", 1.5)]
    public void PgDuration_ToTimeSpan_ReadsMillisecondsWhenNoUnitIsWritten(string value, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), PgDuration.ToTimeSpan(value));
}
